// Indicator hygiene for feeds: refang (`hxxp`, `[.]`), tell the type of a bare value, and check a value
// against a declared type.
import RE2 from 're2'
import { isIpv4, isIpv6, parseCidr } from '../../detect/ioc/ip.ts'
import type { IocType } from '../../detect/ioc/types.ts'

export function refang(s: string): string {
  return s
    .trim()
    .replace(/^hxxp/i, 'http')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]/gi, '.')
    .replace(/\[:\]/g, ':')
    .replace(/\[\/\]/g, '/')
}

const HEX = /^[0-9a-f]+$/i
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i
const FILE_EXT =
  /^[^\\/:*?"<>|\s]+\.(aspx|ashx|asmx|asp|asax|exe|dll|ps1|bat|cmd|vbs|js|jsp|php|zip|7z|rar|log|txt)$/i
const UA = /^[A-Za-z][\w.!-]*\/\S/
const URL = /^https?:\/\/([^/:?#\s]+)/i

/** The type of a bare indicator, or null when it cannot be told. Value already refanged. */
export function guessType(v: string): { type: IocType; value: string } | null {
  if (v === '') return null
  if (HEX.test(v)) {
    if (v.length === 64) return { type: 'sha256', value: v.toLowerCase() }
    if (v.length === 40) return { type: 'sha1', value: v.toLowerCase() }
    if (v.length === 32) return { type: 'md5', value: v.toLowerCase() }
  }
  if (isIpv4(v)) return { type: 'ipv4', value: v }
  if (v.includes(':') && isIpv6(v)) return { type: 'ipv6', value: v.toLowerCase() }
  if (v.includes('/') && parseCidr(v)) return { type: 'cidr', value: v.toLowerCase() }
  const url = URL.exec(v)
  if (url) {
    const host = (url[1] as string).toLowerCase()
    if (isIpv4(host)) return { type: 'ipv4', value: host }
    return DOMAIN.test(host) ? { type: 'domain', value: host } : null
  }
  if (/%[a-z]+%|<[^>]+>/i.test(v) && v.includes('\\')) return { type: 'path_pattern', value: v }
  if (/^[a-z]:\\/i.test(v) || v.startsWith('\\')) return { type: 'filepath', value: v }
  if (v.startsWith('/') && !v.includes(' ')) return { type: 'url_path', value: v }
  if (FILE_EXT.test(v)) return { type: 'filename', value: v }
  if (DOMAIN.test(v)) return { type: 'domain', value: v.toLowerCase() }
  if (UA.test(v) || /^Mozilla\//.test(v)) return { type: 'user_agent', value: v }
  return null
}

/** Aliases feeds use for types (STIX-like `ioc_type` values, MISP/OTX names). */
const ALIASES: Record<string, IocType | 'ip' | 'url' | 'hash'> = {
  'ipv4-addr': 'ipv4',
  ip: 'ip',
  'ip-dst': 'ip',
  'ip-src': 'ip',
  ipaddress: 'ip',
  'ipv6-addr': 'ipv6',
  'domain-name': 'domain',
  hostname: 'domain',
  fqdn: 'domain',
  url: 'url',
  uri: 'url',
  'sha-256': 'sha256',
  'filehash-sha256': 'sha256',
  'file:hashes.sha256': 'sha256',
  "file:hashes.'sha-256'": 'sha256',
  'sha-1': 'sha1',
  'filehash-sha1': 'sha1',
  'filehash-md5': 'md5',
  hash: 'hash',
  'user-agent': 'user_agent',
  useragent: 'user_agent',
  ua: 'user_agent',
  'file-name': 'filename',
  'file:name': 'filename',
  'file-path': 'filepath',
  path: 'filepath',
  regex: 'filepath_regex',
}

/** Resolve a declared type and check the value fits it; returns an error message when it does not. */
export function checkTyped(
  declared: string,
  raw: string,
): { type: IocType; value: string } | { error: string } {
  const v = refang(raw)
  const t = declared.trim().toLowerCase()
  const alias = ALIASES[t] ?? (t as IocType)
  if (alias === 'ip' || alias === 'url' || alias === 'hash') {
    const g = guessType(v)
    if (!g) return { error: `"${raw}" is not a valid ${t}` }
    return g
  }
  switch (alias) {
    case 'sha256':
    case 'sha1':
    case 'md5': {
      const len = { sha256: 64, sha1: 40, md5: 32 }[alias]
      return HEX.test(v) && v.length === len
        ? { type: alias, value: v.toLowerCase() }
        : { error: `"${raw}" is not a ${alias} (${len} hex digits)` }
    }
    case 'ipv4':
      return isIpv4(v) ? { type: alias, value: v } : { error: `"${raw}" is not an IPv4 address` }
    case 'ipv6':
      return isIpv6(v) ? { type: alias, value: v } : { error: `"${raw}" is not an IPv6 address` }
    case 'cidr':
      return parseCidr(v) ? { type: alias, value: v } : { error: `"${raw}" is not a CIDR block` }
    case 'domain':
      return DOMAIN.test(v)
        ? { type: alias, value: v.toLowerCase() }
        : { error: `"${raw}" is not a domain name` }
    case 'filepath_regex':
      try {
        new RE2(v, 'i')
        return { type: alias, value: v }
      } catch (e) {
        return { error: `regex "${raw}" does not compile in RE2: ${(e as Error).message}` }
      }
    case 'user_agent':
    case 'filename':
    case 'filepath':
    case 'path_pattern':
    case 'url_path':
    case 'url_path_post':
    case 'known_good_name':
      return v === '' ? { error: 'empty indicator' } : { type: alias, value: v }
    default:
      return { error: `unknown indicator type "${declared}"` }
  }
}
