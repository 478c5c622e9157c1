// Aggregate rules, finished once every file is read: group observations by rule and key, count distinct
// values (each at its first sighting), and fire once per group reaching `min` (inside `window` if given).
import type { Finding } from '../../shared/types.ts'
import type { CompiledRuleSet } from './compile.ts'
import { buildFinding, findingId } from './finding.ts'
import type { AggregateObservation } from './match.ts'

const MAX_DISTINCT = 200
const MAX_REASON_VALUES = 50
const MAX_INDICATORS = 20

function uniq(values: Iterable<string | undefined>): string[] {
  const out = new Set<string>()
  for (const v of values) {
    if (v !== undefined && out.size < MAX_INDICATORS) out.add(v)
  }
  return [...out]
}

function earlier(a: AggregateObservation, b: AggregateObservation): number {
  if (a.time !== b.time) {
    if (a.time === undefined) return 1
    if (b.time === undefined) return -1
    return a.time < b.time ? -1 : 1
  }
  return a.path === b.path ? a.line - b.line : a.path < b.path ? -1 : 1
}

/** The earliest run of observations that reaches `min` within `windowMs`, or undefined. */
function firstWindow(
  obs: AggregateObservation[],
  min: number,
  windowMs: number,
): AggregateObservation[] | undefined {
  const timed = obs.filter((o) => o.time !== undefined)
  const t = timed.map((o) => Date.parse(o.time!))
  let start = 0
  for (let end = 0; end < timed.length; end++) {
    while (t[end]! - t[start]! > windowMs) start++
    if (end - start + 1 >= min) {
      let last = end
      while (last + 1 < timed.length && t[last + 1]! - t[start]! <= windowMs) last++
      return timed.slice(start, last + 1)
    }
  }
  return undefined
}

export function finishAggregates(
  set: CompiledRuleSet,
  obs: Iterable<AggregateObservation>,
): Finding[] {
  const groups = new Map<string, Map<string, AggregateObservation>>()
  for (const o of obs) {
    const gk = `${o.rule}\0${o.key}`
    let g = groups.get(gk)
    if (!g) {
      g = new Map()
      groups.set(gk, g)
    }
    const v = o.value.toLowerCase()
    const prev = g.get(v)
    if (prev) {
      if (earlier(o, prev) < 0) g.set(v, o)
    } else if (g.size < MAX_DISTINCT) g.set(v, o)
  }
  const findings: Finding[] = []
  for (const g of groups.values()) {
    const list = [...g.values()].sort(earlier)
    const first = list[0]!
    const c = set.byId(first.rule)
    const agg = c?.rule.aggregate
    if (!c || !agg) continue
    const fired =
      agg.windowMs === undefined
        ? list.length >= agg.min
          ? list
          : undefined
        : firstWindow(list, agg.min, agg.windowMs)
    if (!fired) continue
    const head = fired[0]!
    const rule = c.rule
    const within = agg.window ? ` within ${agg.window}` : ''
    const outcome = fired.some((o) => o.success) ? 'success' : (rule.outcome?.default ?? 'unknown')
    findings.push(
      buildFinding(rule, {
        id: findingId(rule.id, head.key, head.path, head.line),
        outcome,
        ...(head.time ? { time: head.time } : {}),
        path: head.path,
        line: head.line,
        ips: uniq(fired.map((o) => o.ip)),
        users: uniq(fired.map((o) => o.user)),
        paths: uniq(fired.map((o) => o.urlPath)),
        userAgents: uniq(fired.map((o) => o.userAgent)),
        raw: head.raw,
        fields: { [agg.by]: head.key },
        reasons: [
          `${fired.length} distinct ${agg.distinct} values from ${agg.by} ${head.key}${within} (min ${agg.min})`,
          ...fired.slice(0, MAX_REASON_VALUES).map((o) => `${agg.distinct}: ${o.value}`),
        ],
      }),
    )
  }
  return findings
}
