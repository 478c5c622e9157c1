// Which findings are one request. A log line that fires a rule and two IOCs is one request; the same
// request written by IIS and by HttpProxy (or by the front-end and back-end IIS sites) is one request
// too. Counts in the timeline and the rule groups are of requests, not of findings. Pure.
import type { Finding } from '../shared/types.ts'

/** IIS stamps a request when it ends, to the second; HttpProxy to the millisecond. */
const SAME_REQUEST_MS = 2000

interface Request {
  key: string
  path: string
  time: number
  url: string
  ips: string[]
  findings: Finding[]
}

/** The event of a finding: set by assignEvents, else its log line, else the finding itself. */
export function eventKey(f: Finding): string {
  if (f.event) return f.event
  return f.source.line !== undefined ? `${f.source.path}:${f.source.line}` : f.id
}

/** Requests among these findings: each event once, counting the folded repeats it stands for. */
export function countEvents(findings: Iterable<Finding>): number {
  const weight = new Map<string, number>()
  for (const f of findings) {
    const k = eventKey(f)
    const w = 1 + (f.folded ?? 0)
    if ((weight.get(k) ?? 0) < w) weight.set(k, w)
  }
  let n = 0
  for (const w of weight.values()) n += w
  return n
}

/**
 * Sets `event` on every log-line finding (its `path:line`, or the first line of the same request in
 * another log) and returns the pairs of findings that are one request seen in two logs, to be linked.
 * Two lines are one request when they come from different files, share a client IP and URL path, and
 * lie within 2 s; each line joins at most one line of any other file, nearest first.
 */
export function assignEvents(findings: readonly Finding[], isFile: (f: Finding) => boolean) {
  const requests = new Map<string, Request>()
  for (const f of findings) {
    if (f.source.line === undefined || isFile(f)) continue
    const key = `${f.source.path}:${f.source.line}`
    let r = requests.get(key)
    if (!r) {
      r = {
        key,
        path: f.source.path,
        time: f.time ? Date.parse(f.time) : Number.NaN,
        url: (f.indicators.paths[0] ?? '').split('?')[0]?.toLowerCase() ?? '',
        ips: [],
        findings: [],
      }
      requests.set(key, r)
    }
    r.findings.push(f)
    for (const ip of f.indicators.ips) if (!r.ips.includes(ip)) r.ips.push(ip)
    if (!r.url && f.indicators.paths[0]) r.url = f.indicators.paths[0].split('?')[0]!.toLowerCase()
  }
  const parent = new Map<Request, Request>()
  const files = new Map<Request, Set<string>>()
  const root = (r: Request): Request => {
    let x = r
    while (parent.get(x) !== x) x = parent.get(x) as Request
    return x
  }
  const buckets = new Map<string, Request[]>()
  for (const r of requests.values()) {
    parent.set(r, r)
    files.set(r, new Set([r.path]))
    if (!r.url || Number.isNaN(r.time)) continue
    for (const ip of r.ips) {
      const k = `${ip}\0${r.url}`
      const list = buckets.get(k)
      if (list) list.push(r)
      else buckets.set(k, [r])
    }
  }
  const pairs: [Request, Request, number][] = []
  for (const list of buckets.values()) {
    if (list.length < 2) continue
    list.sort((a, b) => a.time - b.time)
    for (let i = 0; i < list.length; i++) {
      const a = list[i] as Request
      for (let j = i + 1; j < list.length; j++) {
        const b = list[j] as Request
        const dt = b.time - a.time
        if (dt > SAME_REQUEST_MS) break
        if (a.path !== b.path) pairs.push([a, b, dt])
      }
    }
  }
  pairs.sort((x, y) => x[2] - y[2])
  const linked: [Finding, Finding][] = []
  for (const [a, b] of pairs) {
    const ra = root(a)
    const rb = root(b)
    if (ra === rb) continue
    const fa = files.get(ra) as Set<string>
    const fb = files.get(rb) as Set<string>
    if ([...fb].some((p) => fa.has(p))) continue
    const [keep, gone] = ra.time <= rb.time ? [ra, rb] : [rb, ra]
    parent.set(gone, keep)
    for (const p of files.get(gone) as Set<string>) files.get(keep)?.add(p)
    linked.push([a.findings[0] as Finding, b.findings[0] as Finding])
  }
  for (const r of requests.values()) {
    const event = root(r).key
    for (const f of r.findings) f.event = event
  }
  return linked
}
