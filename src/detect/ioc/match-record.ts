// Log-side IOC tests: attacker IPs (any IP-bearing column, lists included), user agents in IIS `+` or
// space form, POST-only URL paths, and domains anywhere in the line.
import type { LogRecord } from '../../shared/types.ts'
import type { HitContext } from './finding.ts'
import {
  type Cidr,
  canonicalIpv6,
  cidrContains,
  cidrNeedle,
  ipToken,
  isIpv4,
  parseCidr,
} from './ip.ts'
import type { Ioc } from './types.ts'

/** IIS writes a user agent's spaces as `+`; HttpProxy keeps spaces. Compare both in one form. */
export function normaliseUa(s: string): string {
  return s.replaceAll('+', ' ').toLowerCase()
}

export interface RecordIocs {
  needles: readonly string[]
  match(rec: LogRecord, hit: (ioc: Ioc, ctx: Omit<HitContext, 'path' | 'evidence'>) => void): void
}

function push<K>(m: Map<K, Ioc[]>, k: K, ioc: Ioc): void {
  const list = m.get(k)
  if (list) list.push(ioc)
  else m.set(k, [ioc])
}

// Columns that can hold a client address: c-ip, ClientIpAddress, X-Forwarded-For, remote-endpoint, ...
const IP_FIELD = /ip|forwarded|endpoint/
const IP_SPLIT = /[\s,;"]+/
const HOST = /[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/g

export function compileRecordIocs(iocs: readonly Ioc[]): RecordIocs {
  const ips = new Map<string, Ioc[]>()
  const cidrs: { c: Cidr; ioc: Ioc }[] = []
  const uas: { norm: string; ioc: Ioc }[] = []
  const postPaths = new Map<string, Ioc[]>()
  const anyPaths = new Map<string, Ioc[]>()
  const domains = new Map<string, Ioc[]>()
  const needles = new Set<string>()
  for (const ioc of iocs) {
    const v = ioc.value.trim()
    switch (ioc.type) {
      case 'ipv4':
      case 'ipv6': {
        const key = isIpv4(v) ? v : canonicalIpv6(v)
        if (!key) break
        push(ips, key, ioc)
        needles.add(key)
        break
      }
      case 'cidr': {
        const c = parseCidr(v)
        if (!c) break
        cidrs.push({ c, ioc })
        needles.add(cidrNeedle(c, v))
        break
      }
      case 'user_agent': {
        const norm = normaliseUa(v)
        if (norm.length < 3) break
        uas.push({ norm, ioc })
        needles.add(norm)
        needles.add(norm.replaceAll(' ', '+'))
        break
      }
      case 'url_path_post':
      case 'url_path': {
        const p = v.toLowerCase()
        push(ioc.type === 'url_path' ? anyPaths : postPaths, p, ioc)
        needles.add(p)
        break
      }
      case 'domain': {
        const d = v.toLowerCase().replace(/\.$/, '')
        push(domains, d, ioc)
        needles.add(d)
        break
      }
      default:
        break
    }
  }

  function matchIps(rec: LogRecord, hit: Parameters<RecordIocs['match']>[1]): void {
    const done = new Set<string>()
    const test = (where: string, value: string | undefined) => {
      if (!value || value === '-') return
      for (const tok of value.split(IP_SPLIT)) {
        if (tok === '') continue
        const ip = ipToken(tok)
        if (!ip || done.has(ip)) continue
        done.add(ip)
        for (const ioc of ips.get(ip) ?? []) hitIp(ioc, where, ip)
        for (const { c, ioc } of cidrs) if (cidrContains(c, ip)) hitIp(ioc, where, ip)
      }
    }
    const hitIp = (ioc: Ioc, where: string, ip: string) =>
      hit(ioc, { where, matched: ip, outcome: 'unknown', indicators: { ips: [ip] } })
    test('ip', rec.ip)
    for (const name in rec.fields) if (IP_FIELD.test(name)) test(name, rec.fields[name])
  }

  function matchDomains(rec: LogRecord, hit: Parameters<RecordIocs['match']>[1]): void {
    const raw = rec.raw.toLowerCase()
    const done = new Set<string>()
    for (const m of raw.matchAll(HOST)) {
      let host = m[0]
      for (;;) {
        if (!done.has(host)) {
          done.add(host)
          for (const ioc of domains.get(host) ?? []) {
            const where =
              rec.query?.toLowerCase().includes(host) === true
                ? 'query'
                : (rec.fields['cs(referer)'] ?? rec.fields.referer ?? '')
                      .toLowerCase()
                      .includes(host)
                  ? 'referer'
                  : 'raw'
            hit(ioc, { where, matched: m[0], outcome: 'unknown' })
          }
        }
        const dot = host.indexOf('.')
        if (dot === -1 || host.indexOf('.', dot + 1) === -1) break
        host = host.slice(dot + 1)
      }
    }
  }

  return {
    needles: [...needles],
    match(rec, hit) {
      if (ips.size > 0 || cidrs.length > 0) matchIps(rec, hit)
      if (uas.length > 0 && rec.userAgent && rec.userAgent !== '-') {
        const ua = normaliseUa(rec.userAgent)
        for (const u of uas) {
          if (ua.includes(u.norm)) {
            hit(u.ioc, {
              where: 'useragent',
              matched: rec.userAgent,
              outcome: 'unknown',
              indicators: { userAgents: [rec.userAgent], ips: rec.ip ? [rec.ip] : [] },
            })
          }
        }
      }
      if (rec.urlPath && (postPaths.size > 0 || anyPaths.size > 0)) {
        const p = rec.urlPath.toLowerCase()
        const list = [
          ...(rec.method?.toUpperCase() === 'POST' ? (postPaths.get(p) ?? []) : []),
          ...(anyPaths.get(p) ?? []),
        ]
        for (const ioc of list) {
          hit(ioc, {
            where: 'urlpath',
            matched: `${rec.method ?? ''} ${rec.urlPath}`.trim(),
            outcome: 'unknown',
            indicators: { paths: [rec.urlPath], ips: rec.ip ? [rec.ip] : [] },
          })
        }
      }
      if (domains.size > 0) matchDomains(rec, hit)
    },
  }
}
