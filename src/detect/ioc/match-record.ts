// Log-side IOC tests: attacker IPs (any IP-bearing column, lists included), user agents in IIS `+` or
// space form, POST-only URL paths, and domains anywhere in the line.

import type { LogRecord } from '../../shared/types.ts'
import { actorIps } from '../actor.ts'
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

/**
 * IIS writes a user agent's spaces as `+`; HttpProxy keeps spaces but writes its commas as spaces
 * (`KHTML  like Gecko`, corpus ex13/ex16), so a browser agent from an IOC list would never match there.
 * Compare every form as spaces.
 */
export function normaliseUa(s: string): string {
  return s.replace(/[+,]/g, ' ').toLowerCase()
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
const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g
const ipFieldCache = new Map<string, boolean>()

function isIpField(name: string): boolean {
  let yes = ipFieldCache.get(name)
  if (yes === undefined) {
    yes = IP_FIELD.test(name)
    if (ipFieldCache.size < 10_000) ipFieldCache.set(name, yes)
  }
  return yes
}

// Words most user agents share: a poor needle (every browser line holds them).
const COMMON_UA_WORDS =
  /^(?:mozilla\/\d\.\d|\(compatible;|\(windows|nt|like|gecko\)|applewebkit\/[\d.]+|safari\/[\d.]+)$/

/**
 * The longest word of a normalised user agent: it appears as is whether the log wrote the agent's
 * spaces as `+` (IIS) or kept them (HttpProxy), and one distinctive word keeps the line prefilter
 * fast where the whole agent would start with the `mozilla/5.0 (` every browser line has.
 */
export function uaNeedle(norm: string): string {
  let best = ''
  for (const w of norm.split(' ')) {
    if (w.length > best.length && !COMMON_UA_WORDS.test(w)) best = w
  }
  return best === '' ? norm : best
}

/**
 * One case-insensitive test a raw line must pass before any IOC is looked for in its record: the
 * literal of every indicator (a user agent's longest word). null = no gate, as when an IPv6
 * indicator may be logged in another textual form than its canonical one.
 */
function literalGate(literals: Iterable<string>): RegExp | null {
  const parts: string[] = []
  for (const l of literals) parts.push(l.replace(REGEX_SPECIALS, '\\$&'))
  return parts.length === 0 ? null : new RegExp(parts.join('|'), 'i')
}
/** Past this many literals the gate is dropped (see below). */
export const MAX_GATE_LITERALS = 2000
const HOST = /[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/g

export function compileRecordIocs(iocs: readonly Ioc[]): RecordIocs {
  const ips = new Map<string, Ioc[]>()
  const cidrs: { c: Cidr; ioc: Ioc }[] = []
  const uas: { norm: string; ioc: Ioc }[] = []
  const postPaths = new Map<string, Ioc[]>()
  const anyPaths = new Map<string, Ioc[]>()
  const domains = new Map<string, Ioc[]>()
  const needles = new Set<string>()
  const gateLiterals = new Set<string>()
  let ungated = false
  for (const ioc of iocs) {
    const v = ioc.value.trim()
    switch (ioc.type) {
      case 'ipv4':
      case 'ipv6': {
        const key = isIpv4(v) ? v : canonicalIpv6(v)
        if (!key) break
        push(ips, key, ioc)
        needles.add(key)
        if (isIpv4(key)) gateLiterals.add(key)
        else ungated = true
        break
      }
      case 'cidr': {
        const c = parseCidr(v)
        if (!c) break
        cidrs.push({ c, ioc })
        needles.add(cidrNeedle(c, v))
        if (c.v6) ungated = true
        else gateLiterals.add(cidrNeedle(c, v))
        break
      }
      case 'user_agent': {
        const norm = normaliseUa(v)
        if (norm.length < 3) break
        uas.push({ norm, ioc })
        needles.add(uaNeedle(norm))
        break
      }
      case 'url_path_post':
      case 'url_path': {
        const p = v.toLowerCase()
        push(ioc.type === 'url_path' ? anyPaths : postPaths, p, ioc)
        needles.add(p)
        gateLiterals.add(p)
        break
      }
      case 'domain': {
        const d = v.toLowerCase().replace(/\.$/, '')
        push(domains, d, ioc)
        needles.add(d)
        gateLiterals.add(d)
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
    for (const name in rec.fields) if (isIpField(name)) test(name, rec.fields[name])
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

  for (const u of uas) gateLiterals.add(uaNeedle(u.norm))
  // A user feed of thousands: no gate. Such an alternation costs seconds to compile and more per line
  // than the hash lookups below, and the line prefilter has already looked for the same literals.
  const gate = ungated || gateLiterals.size > MAX_GATE_LITERALS ? null : literalGate(gateLiterals)
  const none = !ungated && gateLiterals.size === 0

  return {
    needles: [...needles],
    match(rec, hit) {
      // Most lines hold no indicator at all: one literal test, and the record is never looked at.
      // A record built without its line (raw '') is matched in full.
      if (none || (gate !== null && rec.raw !== '' && !gate.test(rec.raw))) return
      if (ips.size > 0 || cidrs.length > 0) matchIps(rec, hit)
      if (uas.length > 0 && rec.userAgent && rec.userAgent !== '-') {
        const ua = normaliseUa(rec.userAgent)
        for (const u of uas) {
          if (ua.includes(u.norm)) {
            hit(u.ioc, {
              where: 'useragent',
              matched: rec.userAgent,
              outcome: 'unknown',
              indicators: { userAgents: [rec.userAgent], ips: actorIps(rec) },
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
            indicators: { paths: [rec.urlPath], ips: actorIps(rec) },
          })
        }
      }
      if (domains.size > 0) matchDomains(rec, hit)
    },
  }
}
