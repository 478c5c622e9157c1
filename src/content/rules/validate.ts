// One parsed YAML document → NativeRule, or every problem in it (file + field path) at once. Pure.

import {
  parseRuleHeader,
  RULE_HEADER_KEYS,
  type RuleHeaderFormat,
} from '../../shared/rule-header.ts'
import { CATEGORIES, LOG_TYPES, type LogType, PHASES, type Phase } from '../../shared/types.ts'
import type { ContentIssue } from '../issues.ts'
import { isPlainObject, parseCondition } from './parse-condition.ts'
import { parseAggregate, parseOutcome, parseTests, stringList } from './parse-parts.ts'
import { type Condition, type NativeRule, RULE_STATUSES, type RuleStatus } from './rule-types.ts'

const KNOWN_KEYS = new Set<string>([
  ...RULE_HEADER_KEYS.filter((k) => k !== 'cves' && k !== 'attack'),
  'classification',
  'status',
  'phase',
  'source',
  'subtype',
  'date',
  'match',
  'outcome',
  'aggregate',
  'fields',
])
/** Log rules: any category; CVEs and ATT&CK ids under `classification:`. */
const NATIVE_HEADER: RuleHeaderFormat = {
  idPrefix: 'exh-',
  categories: CATEGORIES,
  classification: true,
}
export function validateRuleDoc(
  doc: unknown,
  file: string,
): { rule?: NativeRule; issues: ContentIssue[] } {
  const issues: ContentIssue[] = []
  const issue = (path: string, message: string, severity: 'error' | 'warning' = 'error') => {
    issues.push({ file, path, severity, message })
  }
  if (!isPlainObject(doc)) {
    issue('', 'a rule file must hold one YAML mapping')
    return { issues }
  }
  for (const k of Object.keys(doc)) {
    if (!KNOWN_KEYS.has(k)) issue(k, `unknown key '${k}'`, 'warning')
  }
  const str = (key: string, required: boolean): string | undefined => {
    const v = doc[key]
    if (v === undefined || v === null) {
      if (required) issue(key, `${key} is required`)
      return undefined
    }
    if (v instanceof Date) return v.toISOString().slice(0, 10)
    if (typeof v !== 'string' || v.trim() === '') {
      issue(key, `${key} must be a non-empty string`)
      return undefined
    }
    return v
  }
  const oneOf = <T extends string>(key: string, allowed: readonly string[], required: boolean) => {
    const v = str(key, required)
    if (v !== undefined && !allowed.includes(v)) {
      issue(key, `${key} '${v}' is not one of ${allowed.join(', ')}`)
      return undefined
    }
    return v as T | undefined
  }

  const header = parseRuleHeader(doc, file, NATIVE_HEADER, issue)
  const status = oneOf<RuleStatus>('status', RULE_STATUSES, true)
  const phase = oneOf<Phase>('phase', PHASES, false)
  const date = str('date', false)

  const source = stringList(doc.source, 'source', issue, true)?.filter((s, i) => {
    if ((LOG_TYPES as readonly string[]).includes(s)) return true
    issue(`source[${i}]`, `unknown log type '${s}' (one of ${LOG_TYPES.join(', ')})`)
    return false
  }) as LogType[] | undefined
  const subtype = stringList(doc.subtype, 'subtype', issue, false)?.map((s) => s.toLowerCase())

  let match: Condition | undefined
  if (doc.match === undefined) issue('match', 'match is required')
  else match = parseCondition(doc.match, 'match', issue)

  const outcome = parseOutcome(doc.outcome, issue)
  const aggregate = parseAggregate(doc.aggregate, issue)
  const fields = (stringList(doc.fields, 'fields', issue, false) ?? []).map((f) => f.toLowerCase())
  // IIS lines default to IIS's standard field set; other logs' columns vary, so a line needs its header.
  const tests = parseTests(doc.tests, issue, source?.[0] !== 'iis')
  if (issues.some((i) => i.severity === 'error')) return { issues }
  const h = header!
  const rule: NativeRule = {
    id: h.id,
    title: h.title,
    status: status!,
    level: h.level,
    category: h.category,
    proves: h.proves,
    ...(phase ? { phase } : {}),
    source: source!,
    ...(subtype ? { subtype } : {}),
    cves: h.cves,
    attack: h.attack,
    references: h.references,
    ...(h.author ? { author: h.author } : {}),
    ...(h.license ? { license: h.license } : {}),
    ...(date ? { date } : {}),
    ...(h.modified ? { modified: h.modified } : {}),
    ...(h.falsepositives.length ? { falsepositives: h.falsepositives } : {}),
    ...(h.description ? { description: h.description } : {}),
    match: match!,
    ...(outcome ? { outcome } : {}),
    ...(aggregate ? { aggregate } : {}),
    fields,
    tests: tests!,
    file,
  }
  return { rule, issues }
}
