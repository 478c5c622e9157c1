// The one-word answer and the sentences behind it. Pure: findings and exposure in, verdict out.
import { groupByRule, type RuleGroup } from '../report/group.ts'
import { installAdvice } from '../report/updates.ts'
import type { Exposure, Finding, Verdict } from '../shared/types.ts'
import { severityRank } from '../shared/types.ts'

const MAX_REASONS = 8
const HIGH = severityRank('high')
const MEDIUM = severityRank('medium')
const COMPROMISE_CATEGORIES = new Set(['exploitation', 'webshell', 'post-exploitation'])

/** A finding that on its own proves the attacker got in. */
export function provesCompromise(f: Finding): boolean {
  if (f.rule.startsWith('ioc:sha')) return true
  return (
    f.outcome === 'success' &&
    severityRank(f.severity) >= HIGH &&
    COMPROMISE_CATEGORIES.has(f.category)
  )
}

/** A finding that shows someone tried. Exposure context alone never counts. */
export function showsAttempt(f: Finding): boolean {
  if (f.category === 'exposure-context') return false
  if (severityRank(f.severity) >= MEDIUM) return true
  return f.category === 'exploitation' && f.outcome === 'attempt'
}

export function decideVerdict(
  findings: readonly Finding[],
  exposure: Exposure | null,
): { verdict: Verdict; reasons: string[] } {
  const compromise = findings.filter(provesCompromise)
  if (compromise.length > 0) {
    return { verdict: 'compromised', reasons: groupReasons(compromise, findings) }
  }
  const attempts = findings.filter(showsAttempt)
  if (attempts.length > 0) {
    const reasons = groupReasons(attempts, findings)
    if (exposure && exposure.missing.length > 0) reasons.push(exposureReason(exposure))
    return { verdict: 'attempted', reasons: reasons.slice(0, MAX_REASONS) }
  }
  if (exposure && exposure.missing.length > 0) {
    return { verdict: 'exposed', reasons: [exposureReason(exposure)] }
  }
  const reasons = ['No finding of medium severity or above and no successful exploitation.']
  if (exposure) reasons.push(`Build ${exposure.build} has every known security fix exhunt checks.`)
  else reasons.push('The Exchange build could not be determined, so exposure is unknown.')
  return { verdict: 'clean', reasons }
}

/** Proof first, then the rest of the same verdict level, grouped by rule. */
function groupReasons(decisive: readonly Finding[], all: readonly Finding[]): string[] {
  const groups = groupByRule(decisive)
  const out = groups.slice(0, MAX_REASONS).map(reasonFor)
  const rest = groups.length - out.length
  if (rest > 0) out[out.length - 1] = `…and ${rest + 1} more rules (see the findings).`
  const lower = all.length - decisive.length
  if (lower > 0 && out.length < MAX_REASONS && groups.length <= MAX_REASONS) {
    out.push(`${lower} further findings of lower weight.`)
  }
  return out
}

export function reasonFor(g: RuleGroup): string {
  const f = g.findings[0]
  if (g.rule.startsWith('ioc:sha') && f) {
    const where = g.findings.length > 1 ? `${g.findings.length} files` : f.source.path
    return `${where}: file hash matches a known-bad indicator (${g.title}).`
  }
  const adj = g.outcome === 'success' ? 'successful ' : g.outcome === 'attempt' ? 'attempted ' : ''
  const events = g.count === 1 ? 'event' : 'events'
  const ips =
    g.ips.length === 0 ? '' : g.ips.length === 1 ? ` from ${g.ips[0]}` : ` from ${g.ips.length} IPs`
  const when = g.first ? ` (first ${stripMillis(g.first)})` : ''
  const cves =
    g.cves.length > 0 && !g.title.includes(g.cves[0] as string) ? ` [${g.cves.join(', ')}]` : ''
  return `${g.title}${cves}: ${g.count} ${adj}${events}${ips}${when}`
}

export function exposureReason(e: Exposure): string {
  const newest = installAdvice(e)
  const cves = e.missing.map((m) => m.cve)
  const shown =
    cves.length > 6 ? `${cves.slice(0, 6).join(', ')} and ${cves.length - 6} more` : cves.join(', ')
  const fix = newest ? `; install ${newest} or later` : ''
  return `Build ${e.build}${e.approximate ? ' (approximate)' : ''} lacks fixes for ${shown}${fix}.`
}

export function stripMillis(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z')
}
