// A Sigma hit on an event → Finding, with the attribution DRL 1.1 asks of every match: the rule's
// author, a link to the rule and to the licence, in `ruleSource` and in the finding's reasons.
import type { EventRecord, EventValue } from '../../shared/event-record.ts'
import { findingId } from '../../shared/finding-id.ts'
import { type Finding, PHASES, type Phase } from '../../shared/types.ts'
import type { SigmaRuleData } from './types.ts'

export const MAX_EVIDENCE = 2000
const MAX_FIELD = 500

const IP_FIELDS = ['IpAddress', 'SourceIp', 'DestinationIp', 'SourceAddress', 'ClientIP']
const USER_FIELDS = ['User', 'SubjectUserName', 'TargetUserName', 'AccountName']
const PATH_FIELDS = ['Image', 'NewProcessName', 'TargetFilename', 'ImageLoaded', 'Path']

function text(v: EventValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined
  const s = Array.isArray(v) ? v.join(' | ') : String(v)
  return s.length > MAX_FIELD ? `${s.slice(0, MAX_FIELD)}…` : s
}

function pick(rec: EventRecord, names: readonly string[]): string[] {
  const out: string[] = []
  for (const n of names) {
    const v = text(rec.fields[n])
    if (v && v !== '-' && !out.includes(v)) out.push(v)
  }
  return out
}

/** The phase of the first ATT&CK tactic tag (attack.persistence → persistence). */
export function phaseFromTags(tags: readonly string[]): Phase | undefined {
  for (const t of tags) {
    const m = /^attack\.([a-z-_]+)$/i.exec(t)
    const p = m?.[1]?.toLowerCase().replace(/_/g, '-')
    if (p && (PHASES as readonly string[]).includes(p)) return p as Phase
  }
  return undefined
}

export function sigmaCredit(rule: SigmaRuleData): string {
  const h = rule.header
  return [
    h.author ? `author ${h.author}` : undefined,
    `rule ${rule.url ?? rule.file}`,
    h.license ? `licence ${h.license}` : undefined,
  ]
    .filter(Boolean)
    .join('; ')
}

export function buildSigmaFinding(
  rule: SigmaRuleData,
  rec: EventRecord,
  readFields: readonly string[],
  rename: Readonly<Record<string, string>> | undefined,
): Finding {
  const h = rule.header
  const fields: Record<string, string> = {}
  const matched: string[] = []
  for (const f of readFields) {
    if (f === '') continue
    const v = text(rec.fields[rename?.[f] ?? f])
    if (v === undefined) continue
    fields[f] = v
    matched.push(f)
  }
  const head = `EventID ${rec.eventId} · ${rec.channel}${rec.computer ? ` · ${rec.computer}` : ''}`
  const body = Object.entries(rec.fields)
    .map(([k, v]) => [k, text(v)] as const)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`)
  if (body.length === 0 && rec.data) body.push(...rec.data)
  let evidence = `${head}\n${body.join('\n')}`
  if (evidence.length > MAX_EVIDENCE) evidence = evidence.slice(0, MAX_EVIDENCE)
  const f: Finding = {
    id: findingId('sigma', h.id, rec.source.path, rec.recordId, rec.source.offset),
    rule: h.id,
    title: h.title,
    severity: h.level,
    category: h.category,
    outcome: h.proves === 'compromise' ? 'success' : 'unknown',
    proves: h.proves,
    cves: [...h.cves],
    attack: [...h.attack],
    source: { path: rec.source.path, record: rec.recordId },
    indicators: {
      ips: pick(rec, IP_FIELDS),
      users: pick(rec, USER_FIELDS),
      paths: pick(rec, PATH_FIELDS),
      userAgents: [],
    },
    evidence,
    ruleSource: {
      engine: 'sigma',
      file: rule.file,
      ...(h.author ? { author: h.author } : {}),
      ...(h.license ? { license: h.license } : {}),
      ...(rule.url ? { url: rule.url } : h.references[0] ? { url: h.references[0] } : {}),
    },
    reasons: [`Sigma rule "${h.title}" matched ${head} [${sigmaCredit(rule)}]`],
  }
  if (rule.phase) f.phase = rule.phase
  if (rec.time) f.time = rec.time
  if (matched.length > 0) {
    f.fields = fields
    f.matched = matched
  }
  return f
}
