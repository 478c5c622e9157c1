// Runs the compiled native rules over records: findings for plain rules (folded past a per-rule cap, so
// memory stays constant on huge logs), compact observations for aggregate rules (finished on the main thread).
import type { Finding, LogRecord, Outcome } from '../../shared/types.ts'
import { actorIps } from '../actor.ts'
import type { CompiledRule, CompiledRuleSet } from './compile.ts'
import { FieldReader } from './field-reader.ts'
import { buildFinding, findingId } from './finding.ts'

export { finishAggregates } from './aggregate.ts'

export interface AggregateObservation {
  rule: string
  key: string
  value: string
  time?: string
  path: string
  line: number
  ip?: string
  userAgent?: string
  user?: string
  urlPath?: string
  /** The rule's outcome.success held on this line. */
  success?: boolean
  raw: string
}

export interface RecordMatcher {
  match(rec: LogRecord, emit: (f: Finding) => void): void
  takeObservations(): AggregateObservation[]
}

export const DEFAULT_MAX_FINDINGS_PER_RULE = 500
/** Distinct values kept per rule and group key; more add nothing to a finding that already fired. */
export const MAX_DISTINCT_PER_KEY = 200
/** Group keys tracked per rule (per thread). */
export const MAX_KEYS_PER_RULE = 20_000
const MAX_OBSERVED_RAW = 2000

interface FoldState {
  kept: number
  last?: Finding
  lastByIp: Map<string, Finding>
}

function outcomeOf(c: CompiledRule, r: FieldReader): Outcome {
  const o = c.rule.outcome
  if (!o) return 'unknown'
  if (c.success?.(r)) return 'success'
  return o.default
}

export function createMatcher(
  set: CompiledRuleSet,
  opts: { maxFindingsPerRule?: number } = {},
): RecordMatcher {
  const max = opts.maxFindingsPerRule ?? DEFAULT_MAX_FINDINGS_PER_RULE
  const reader = new FieldReader()
  const folds = new Map<string, FoldState>()
  const seen = new Map<string, Map<string, Set<string>>>()
  let observations: AggregateObservation[] = []

  const hit = (c: CompiledRule, rec: LogRecord, emit: (f: Finding) => void) => {
    const rule = c.rule
    let st = folds.get(rule.id)
    if (!st) {
      st = { kept: 0, lastByIp: new Map() }
      folds.set(rule.id, st)
    }
    const ipKey = rec.ip ?? ''
    if (st.kept >= max) {
      const into = st.lastByIp.get(ipKey) ?? st.last!
      into.folded = (into.folded ?? 0) + 1
      return
    }
    const fields: Record<string, string> = {}
    for (const name of c.shown) {
      const v = reader.value(name)
      if (v !== undefined && v !== '') fields[name] = v
    }
    const matched = c.matched.filter((n) => n in fields)
    const f = buildFinding(rule, {
      id: findingId(rule.id, rec.path, rec.line),
      outcome: outcomeOf(c, reader),
      ...(rec.time ? { time: rec.time } : {}),
      path: rec.path,
      line: rec.line,
      ips: actorIps(rec),
      users: rec.user ? [rec.user] : [],
      paths: rec.urlPath ? [rec.urlPath] : [],
      userAgents: rec.userAgent ? [rec.userAgent] : [],
      raw: rec.raw,
      fields,
      matched,
    })
    st.kept++
    st.last = f
    st.lastByIp.set(ipKey, f)
    emit(f)
  }

  const observe = (c: CompiledRule, rec: LogRecord) => {
    const agg = c.rule.aggregate!
    const key = reader.value(agg.by)
    const value = reader.value(agg.distinct)
    if (key === undefined || key === '' || value === undefined) return
    let byKey = seen.get(c.rule.id)
    if (!byKey) {
      byKey = new Map()
      seen.set(c.rule.id, byKey)
    }
    let values = byKey.get(key)
    if (!values) {
      if (byKey.size >= MAX_KEYS_PER_RULE) return
      values = new Set()
      byKey.set(key, values)
    }
    const norm = value.toLowerCase()
    if (values.has(norm) || values.size >= MAX_DISTINCT_PER_KEY) return
    values.add(norm)
    const o: AggregateObservation = {
      rule: c.rule.id,
      key,
      value,
      path: rec.path,
      line: rec.line,
      raw: rec.raw.length > MAX_OBSERVED_RAW ? rec.raw.slice(0, MAX_OBSERVED_RAW) : rec.raw,
    }
    if (rec.time) o.time = rec.time
    if (rec.ip) o.ip = rec.ip
    if (rec.userAgent) o.userAgent = rec.userAgent
    if (rec.user) o.user = rec.user
    if (rec.urlPath) o.urlPath = rec.urlPath
    if (c.success?.(reader)) o.success = true
    observations.push(o)
  }

  return {
    match(rec, emit) {
      const rules = set.rulesFor(rec.logType)
      if (rules.length === 0) return
      reader.reset(rec)
      let sub: string | undefined
      for (const c of rules) {
        if (c.subtypes) {
          sub ??= rec.subtype?.toLowerCase() ?? ''
          if (!c.subtypes.has(sub)) continue
        }
        if (!c.match(reader)) continue
        if (c.rule.aggregate) observe(c, rec)
        else hit(c, rec, emit)
      }
    },
    takeObservations() {
      const out = observations
      observations = []
      return out
    },
  }
}

/** Does one rule's line-level condition (subtype + match) hold for the record? For rule tests. */
export function ruleMatches(c: CompiledRule, rec: LogRecord): boolean {
  if (!c.rule.source.includes(rec.logType)) return false
  if (c.subtypes && !c.subtypes.has(rec.subtype?.toLowerCase() ?? '')) return false
  const reader = new FieldReader()
  reader.reset(rec)
  return c.match(reader)
}
