// A native rule hit → Finding, with the attribution and indicators the report needs.
import type { NativeRule } from '../../shared/native-rule.ts'
import type { Finding, Outcome, Severity } from '../../shared/types.ts'

export const MAX_EVIDENCE = 2000

export { findingId } from '../../shared/finding-id.ts'

export function severityFor(rule: NativeRule, outcome: Outcome): Severity {
  return outcome === 'attempt' && rule.outcome?.levelIfAttempt
    ? rule.outcome.levelIfAttempt
    : rule.level
}

export interface FindingInput {
  id: string
  outcome: Outcome
  time?: string
  path: string
  line: number
  ips: string[]
  users: string[]
  paths: string[]
  userAgents: string[]
  raw: string
  fields?: Record<string, string>
  /** Keys of `fields` the rule matched on. */
  matched?: string[]
  reasons?: string[]
}

export function buildFinding(rule: NativeRule, x: FindingInput): Finding {
  const f: Finding = {
    id: x.id,
    rule: rule.id,
    title: rule.title,
    severity: severityFor(rule, x.outcome),
    category: rule.category,
    outcome: x.outcome,
    proves: rule.proves,
    cves: [...rule.cves],
    attack: [...rule.attack],
    source: { path: x.path, line: x.line },
    indicators: { ips: x.ips, users: x.users, paths: x.paths, userAgents: x.userAgents },
    evidence: x.raw.length > MAX_EVIDENCE ? x.raw.slice(0, MAX_EVIDENCE) : x.raw,
    ruleSource: {
      engine: 'native',
      file: rule.file,
      ...(rule.author ? { author: rule.author } : {}),
      ...(rule.references[0] ? { url: rule.references[0] } : {}),
    },
  }
  if (rule.phase) f.phase = rule.phase
  if (x.time) f.time = x.time
  if (x.fields && Object.keys(x.fields).length > 0) f.fields = x.fields
  if (x.fields && x.matched && x.matched.length > 0) f.matched = x.matched
  if (x.reasons) f.reasons = x.reasons
  return f
}
