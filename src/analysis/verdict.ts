// The one-word answer and the sentences behind it. Pure: findings, exposure and what was examined in,
// verdict out. It reads only what each finding's rule declares it `proves` (content) and its outcome:
// never severity, category or rule ids.
import type { Exposure, Finding, Proof, Verdict } from '../shared/types.ts'
import { PROOFS } from '../shared/types.ts'
import { type Examined, examinedNothing } from './examined.ts'
import { groupByRule, type RuleGroup } from './group.ts'
import { unreadCount, unreadSize } from './unread-words.ts'
import { installAdvice } from './updates.ts'

const MAX_REASONS = 8

/** Evidence recognised but not read (`coverage.unread`, filled by sources/); structural so either side can add fields. */
export interface UnreadLike {
  kind: string
  files: number
  bytes: number
  reason: string
  examples: readonly string[]
}

export interface VerdictContext {
  /** What the hunt read; without it the hunt is assumed to have examined something. */
  examined?: Examined
  unread?: readonly UnreadLike[]
}

export function proofRank(p: Proof): number {
  return PROOFS.indexOf(p)
}

/**
 * What a finding proves for the verdict: its rule's `proves` is the most it can show, and a finding whose
 * outcome is `attempt` (the server refused, the request went nowhere) shows at most an attempt.
 * Correlation turns attempts into successes before this runs (analysis/correlate.ts).
 */
export function effectiveProof(f: Pick<Finding, 'proves' | 'outcome'>): Proof {
  if (f.outcome === 'attempt' && proofRank(f.proves) > proofRank('attempt')) return 'attempt'
  return f.proves
}

/** A finding that on its own proves the attacker got in. */
export function provesCompromise(f: Finding): boolean {
  return effectiveProof(f) === 'compromise'
}

/** A finding that shows someone tried (and nothing shows it worked). */
export function showsAttempt(f: Finding): boolean {
  return effectiveProof(f) === 'attempt'
}

/** A file or configuration to review: it proves nothing by itself. */
export function raisesSuspicion(f: Finding): boolean {
  return effectiveProof(f) === 'suspicion'
}

export function decideVerdict(
  findings: readonly Finding[],
  exposure: Exposure | null,
  ctx: VerdictContext = {},
): { verdict: Verdict; reasons: string[] } {
  const compromise = findings.filter(provesCompromise)
  if (compromise.length > 0) {
    return { verdict: 'compromised', reasons: groupReasons(compromise, findings) }
  }
  const missing = exposure && exposure.missing.length > 0 ? exposure : null
  const attempts = findings.filter(showsAttempt)
  if (attempts.length > 0) {
    const reasons = groupReasons(attempts, findings)
    const suspicious = findings.filter(raisesSuspicion)
    if (suspicious.length > 0 && reasons.length < MAX_REASONS)
      reasons.push(
        `${suspicious.length} ${plural(suspicious.length, 'file or setting', 'files or settings')} to review (see the findings).`,
      )
    if (missing) reasons.push(exposureReason(missing))
    return { verdict: 'attempted', reasons: reasons.slice(0, MAX_REASONS) }
  }
  const suspicious = findings.filter(raisesSuspicion)
  if (suspicious.length > 0) {
    const reasons = groupReasons(suspicious, findings, suspicionReason)
    reasons.push(
      'None of these proves exploitation on its own: review them before calling the server clean.',
    )
    if (missing) reasons.push(exposureReason(missing))
    return { verdict: 'suspicious', reasons: reasons.slice(0, MAX_REASONS + 1) }
  }
  const nothing =
    findings.length === 0 && ctx.examined !== undefined && examinedNothing(ctx.examined)
  if (missing) {
    // Exposure outweighs no-evidence, but the reader must learn that nothing could show exploitation.
    const reasons = [exposureReason(missing)]
    if (nothing) reasons.push(...noEvidenceReasons(ctx.examined as Examined, ctx.unread))
    return { verdict: 'exposed', reasons }
  }
  if (nothing) {
    return {
      verdict: 'no-evidence',
      reasons: noEvidenceReasons(ctx.examined as Examined, ctx.unread),
    }
  }
  const context = findings.length
  const reasons = [
    context > 0
      ? `No finding proves or suggests exploitation (${context} ${plural(context, 'finding', 'findings')} of context only).`
      : 'No finding: nothing examined shows exploitation.',
  ]
  if (exposure) reasons.push(`Build ${exposure.build} has every known security fix exhunt checks.`)
  else reasons.push('The Exchange build could not be determined, so exposure is unknown.')
  return { verdict: 'clean', reasons }
}

/**
 * Why nothing could be judged: what was found, what was recognised but not read, and what to collect.
 * `unread` is `coverage.unread` when the sources report it.
 */
export function noEvidenceReasons(e: Examined, unread: readonly UnreadLike[] = []): string[] {
  const out: string[] = []
  if (e.found === 0) out.push('The evidence holds no file exhunt could read: it is empty.')
  else
    out.push(
      `Nothing examined could show exploitation: of ${e.found} ${plural(e.found, 'file', 'files')} found, none is an Exchange or IIS log with lines, a web file under a web root or of a server-side type, an IIS configuration, a scheduled task, a dump or a staged archive.`,
    )
  const left = e.leftOut
  if (left && left.logs > 0)
    out.push(
      `${left.logs} log ${plural(left.logs, 'file was', 'files were')} left out by --only files.`,
    )
  if (left && left.webFiles > 0)
    out.push(
      `${left.webFiles} web ${plural(left.webFiles, 'file was', 'files were')} left out by --only logs.`,
    )
  for (const u of unread) {
    if (u.files <= 0) continue
    const eg = u.examples.length > 0 ? ` (e.g. ${u.examples.slice(0, 3).join(', ')})` : ''
    out.push(`${unreadCount(u)}${unreadSize(u)} found but not read: ${u.reason}${eg}.`)
  }
  out.push(
    'Collect the Exchange logs (V15\\Logging\\HttpProxy, V15\\Logging\\ECP, V15\\Logging\\CmdletInfra), the IIS logs (inetpub\\logs\\LogFiles) and the web folders (inetpub\\wwwroot, V15\\FrontEnd\\HttpProxy), then run exhunt again.',
  )
  return out
}

/** Proof first, then the rest of the same verdict level, grouped by rule. */
function groupReasons(
  decisive: readonly Finding[],
  all: readonly Finding[],
  reason: (g: RuleGroup) => string = reasonFor,
): string[] {
  const groups = groupByRule(decisive)
  const out = groups.slice(0, MAX_REASONS).map(reason)
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

/** "Review these files": the files (or log lines) by name, not an event count. */
function suspicionReason(g: RuleGroup): string {
  const paths = [...new Set(g.findings.map((f) => f.source.path))]
  if (paths.length === 0 || g.findings.some((f) => f.source.line !== undefined)) return reasonFor(g)
  const shown = paths.slice(0, 3).join(', ')
  const more = paths.length > 3 ? ` and ${paths.length - 3} more` : ''
  return `Review ${shown}${more}: ${g.title.replace(/^Review web file: /, '')}`
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

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many
}
