// Cross-finding logic: one finding alone often cannot tell an attempt from a success, but what the
// same IP did next can. Pure; returns copies and never downgrades a finding.
import type { Finding } from '../shared/types.ts'
import { assignEvents, countEvents } from './events.ts'

/** Follow-ups that only a successful SSRF/auth bypass makes possible (ProxyLogon chain per
 * Microsoft's HAFNIUM write-up, 2021-03-02: Set-OabVirtualDirectory ExternalUrl, OAB write, shell hit). */
const FOLLOW_UP_TEXT = /Set-\w*VirtualDirectory|OABGenerator|\boab\b.*\bwrite|Set-\w*VDir/i
const FILE_EXT_LOG = /\.(log|evtx|txt|csv|etl)$/i

function isFollowUp(f: Finding): boolean {
  if (f.outcome !== 'success') {
    // A web-shell request is a success when the server answered 200.
    const status = f.fields?.status ?? f.fields?.['sc-status']
    return f.category === 'webshell' && status === '200'
  }
  if (f.category === 'webshell' || f.category === 'post-exploitation') return true
  return (
    FOLLOW_UP_TEXT.test(f.rule) || FOLLOW_UP_TEXT.test(f.title) || FOLLOW_UP_TEXT.test(f.evidence)
  )
}

/** A finding about a file on disk (not a log line about it). */
export function isFileFinding(f: Finding): boolean {
  return f.category === 'webshell' && (f.file !== undefined || !FILE_EXT_LOG.test(f.source.path))
}

function normPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/!/g, '/').toLowerCase()
}

export interface CorrelateOptions {
  /** CVEs that write a file the attacker then runs (content/cves `plants:`). */
  plants?: Iterable<string>
}

export function correlate(findings: Finding[], opts: CorrelateOptions = {}): Finding[] {
  const out = findings.map((f) => ({
    ...f,
    cves: [...f.cves],
    reasons: f.reasons ? [...f.reasons] : undefined,
    related: f.related ? [...f.related] : undefined,
  }))
  // Log workers hand findings over in whatever order they finish: work in one fixed order, so links,
  // `related` lists (capped) and upgrades are the same on every run and any worker count.
  const work = [...out].sort(arrival)
  const byIp = new Map<string, Finding[]>()
  for (const f of work) {
    for (const ip of f.indicators.ips) {
      const list = byIp.get(ip)
      if (list) list.push(f)
      else byIp.set(ip, [f])
    }
  }
  for (const [a, b] of assignEvents(work, isFileFinding)) link(a, b)
  upgradeAttempts(work, byIp)
  linkShellFiles(work)
  linkIocIps(work, byIp)
  namePlantedShells(work, byIp, new Set(opts.plants ?? []))
  for (const f of out) {
    if (f.reasons === undefined) delete f.reasons
    if (f.related === undefined) delete f.related
  }
  return out
}

function upgradeAttempts(all: Finding[], byIp: Map<string, Finding[]>): void {
  for (const f of all) {
    if (f.category !== 'exploitation' || f.outcome === 'success') continue
    let best: Finding | undefined
    for (const ip of f.indicators.ips) {
      for (const g of byIp.get(ip) ?? []) {
        if (g === f || !isFollowUp(g)) continue
        if (f.time && g.time && g.time < f.time) continue
        if (!best || (g.time ?? '~') < (best.time ?? '~')) best = g
      }
    }
    if (!best) continue
    f.outcome = 'success'
    const at = best.time ? ` at ${best.time}` : ''
    addReason(f, `followed by ${best.title} from the same IP${at}`)
    link(f, best)
  }
}

function linkShellFiles(all: Finding[]): void {
  const files = all.filter(isFileFinding)
  if (files.length === 0) return
  const requests = all.filter((f) => !isFileFinding(f) && f.indicators.paths.length > 0)
  for (const file of files) {
    const fp = normPath(file.source.path)
    const base = fp.slice(fp.lastIndexOf('/') + 1)
    if (!base.includes('.')) continue
    // URL paths the file finding names itself: where it is served, or the page a compiled file came from.
    const urls = new Set(file.indicators.paths.filter((p) => p.startsWith('/')).map(normPath))
    const hits: Finding[] = []
    for (const r of requests) {
      const hit = r.indicators.paths.some((u) => {
        const up = normPath(u.split('?')[0] as string)
        if (urls.has(up)) return true
        return (
          up.endsWith(`/${base}`) &&
          up.includes('/') &&
          fp.endsWith(up.startsWith('/') ? up : `/${up}`)
        )
      })
      if (hit) hits.push(r)
    }
    if (hits.length === 0) continue
    for (const r of hits) link(file, r)
    const timed = hits
      .filter((h) => h.time)
      .sort((a, b) => ((a.time as string) < (b.time as string) ? -1 : 1))
    const first = timed[0]
    if (first) {
      const by = first.indicators.ips[0] ? ` by ${first.indicators.ips[0]}` : ''
      addReason(file, `first requested ${first.time}${by}`)
    }
    const ips = new Set(hits.flatMap((h) => h.indicators.ips))
    const times = countEvents(hits)
    if (times > 1) {
      addReason(file, `requested ${times} times from ${ips.size} ${ips.size === 1 ? 'IP' : 'IPs'}`)
    }
  }
}

function linkIocIps(all: Finding[], byIp: Map<string, Finding[]>): void {
  for (const f of all) {
    if (f.category !== 'ioc' || f.indicators.ips.length === 0) continue
    for (const ip of f.indicators.ips) {
      for (const g of byIp.get(ip) ?? []) {
        if (g !== f && g.category === 'exploitation') link(f, g)
      }
    }
  }
}

/**
 * A web shell's own evidence does not show which bug planted it; the chain does. A shell request after a
 * successful finding from the same IP that names a file-writing CVE (SSRF, then the vdir write, then the
 * shell) is named with that CVE, and so is the shell file those requests reached.
 */
function namePlantedShells(
  all: Finding[],
  byIp: Map<string, Finding[]>,
  plants: ReadonlySet<string>,
): void {
  if (plants.size === 0) return
  const byId = new Map(all.map((f) => [f.id, f]))
  const cache = new Map<string, Finding[]>()
  // The findings of one IP that can have planted a shell, computed once per IP.
  const plantersOf = (ip: string): Finding[] => {
    let list = cache.get(ip)
    if (!list) {
      list = (byIp.get(ip) ?? []).filter(
        (f) =>
          f.outcome === 'success' && f.category !== 'webshell' && f.cves.some((c) => plants.has(c)),
      )
      cache.set(ip, list)
    }
    return list
  }
  const named = new Map<Finding, Set<string>>()
  for (const s of all) {
    if (s.category !== 'webshell' || isFileFinding(s) || !s.time) continue
    for (const ip of s.indicators.ips) {
      for (const w of plantersOf(ip)) {
        if (!w.time || w.time > s.time) continue
        for (const c of w.cves) {
          if (!plants.has(c) || s.cves.includes(c)) continue
          s.cves.push(c)
          addReason(s, `${c}: planted through ${w.title} from the same IP at ${w.time}`)
          link(s, w)
          named.set(s, (named.get(s) ?? new Set()).add(c))
        }
      }
    }
  }
  for (const file of all) {
    if (!isFileFinding(file)) continue
    for (const id of file.related ?? []) {
      const r = byId.get(id)
      for (const c of (r && named.get(r)) ?? []) {
        if (file.cves.includes(c)) continue
        file.cves.push(c)
        addReason(file, `${c}: requested by an IP that used it before (${r?.time})`)
      }
    }
  }
}

function arrival(a: Finding, b: Finding): number {
  return (
    cmp(a.time ?? '', b.time ?? '') ||
    cmp(a.source.path, b.source.path) ||
    (a.source.line ?? 0) - (b.source.line ?? 0) ||
    cmp(a.rule, b.rule) ||
    cmp(a.id, b.id)
  )
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function addReason(f: Finding, r: string): void {
  f.reasons ??= []
  if (!f.reasons.includes(r)) f.reasons.push(r)
}

/** Enough to follow the thread without one busy shell listing every request. */
const MAX_RELATED = 100

function link(a: Finding, b: Finding): void {
  a.related ??= []
  b.related ??= []
  if (a.related.length < MAX_RELATED && !a.related.includes(b.id)) a.related.push(b.id)
  if (b.related.length < MAX_RELATED && !b.related.includes(a.id)) b.related.push(a.id)
}
