// Findings grouped by rule: the unit a responder reads in reasons, summaries and tables.

import type { Finding, Outcome, Severity } from '../shared/types.ts'
import { severityRank } from '../shared/types.ts'
import { arrival } from './correlate.ts'
import { countEvents } from './events.ts'

export interface RuleGroup {
  rule: string
  title: string
  severity: Severity
  /** Best outcome seen: success > unknown > attempt. */
  outcome: Outcome
  category: Finding['category']
  /** Requests (one per event: a line, or one request in several logs), counting folded duplicates. */
  count: number
  findings: Finding[]
  ips: string[]
  cves: string[]
  first?: string
  last?: string
}

const OUTCOME_RANK: Record<Outcome, number> = { attempt: 0, unknown: 1, success: 2 }

/** Groups in reading order: most severe first, then successes, then most events. */
export function groupByRule(findings: readonly Finding[]): RuleGroup[] {
  const byRule = new Map<string, RuleGroup>()
  for (const f of findings) {
    let g = byRule.get(f.rule)
    if (!g) {
      g = {
        rule: f.rule,
        title: f.title,
        severity: f.severity,
        outcome: f.outcome,
        category: f.category,
        count: 0,
        findings: [],
        ips: [],
        cves: [],
      }
      byRule.set(f.rule, g)
    }
    g.findings.push(f)
    if (severityRank(f.severity) > severityRank(g.severity)) g.severity = f.severity
    if (OUTCOME_RANK[f.outcome] > OUTCOME_RANK[g.outcome]) g.outcome = f.outcome
    for (const ip of f.indicators.ips) if (!g.ips.includes(ip)) g.ips.push(ip)
    for (const c of f.cves) if (!g.cves.includes(c)) g.cves.push(c)
    if (f.time) {
      if (!g.first || f.time < g.first) g.first = f.time
      if (!g.last || f.time > g.last) g.last = f.time
    }
  }
  for (const g of byRule.values()) {
    g.findings.sort(byTime)
    g.count = countEvents(g.findings)
  }
  return [...byRule.values()].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      OUTCOME_RANK[b.outcome] - OUTCOME_RANK[a.outcome] ||
      b.count - a.count ||
      a.rule.localeCompare(b.rule),
  )
}

/** Timed findings first, oldest first; untimed keep their order at the end. */
export function byTime(a: Finding, b: Finding): number {
  if (a.time && b.time) return a.time < b.time ? -1 : a.time > b.time ? 1 : 0
  if (a.time) return -1
  if (b.time) return 1
  return 0
}

/** The report's finding order: most severe first, then by time; untimed last within their severity, by id. */
export function bySeverityThenTime(a: Finding, b: Finding): number {
  const s = severityRank(b.severity) - severityRank(a.severity)
  if (s !== 0) return s
  if (a.time !== b.time) {
    if (a.time && b.time) return a.time < b.time ? -1 : 1
    return a.time ? -1 : 1
  }
  // Ties (the same second in IIS and HttpProxy) go in correlation's fixed order (place, rule, id),
  // never by which worker finished first.
  return arrival(a, b)
}
