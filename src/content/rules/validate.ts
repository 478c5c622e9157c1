// One parsed YAML document → NativeRule, or every problem in it (file + field path) at once. Pure.

import { provesField } from '../../shared/proves.ts'
import {
  CATEGORIES,
  type Category,
  LOG_TYPES,
  type LogType,
  PHASES,
  type Phase,
  SEVERITIES,
  type Severity,
} from '../../shared/types.ts'
import type { ContentIssue } from '../issues.ts'
import { isPlainObject, parseCondition } from './parse-condition.ts'
import { parseAggregate, parseOutcome, parseTests, stringList } from './parse-parts.ts'
import { type Condition, type NativeRule, RULE_STATUSES, type RuleStatus } from './rule-types.ts'

const KNOWN_KEYS = new Set([
  'id',
  'title',
  'status',
  'level',
  'category',
  'proves',
  'phase',
  'source',
  'subtype',
  'classification',
  'references',
  'author',
  'date',
  'description',
  'match',
  'outcome',
  'aggregate',
  'fields',
  'tests',
  'license',
])
const ID_RE = /^exh-[a-z0-9]+(?:-[a-z0-9]+)*$/
const CVE_RE = /^CVE-\d{4}-\d{4,}$/
const ATTACK_RE = /^T\d{4}(?:\.\d{3})?$/
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

  const id = str('id', true)
  const base = file
    .replace(/\\/g, '/')
    .split('/')
    .pop()
    ?.replace(/\.ya?ml$/i, '')
  if (id !== undefined) {
    if (!ID_RE.test(id)) issue('id', `id '${id}' must be kebab-case and start with 'exh-'`)
    if (base !== undefined && base !== id)
      issue('id', `id '${id}' must equal the file name '${base}'`)
  }
  const title = str('title', true)
  const status = oneOf<RuleStatus>('status', RULE_STATUSES, true)
  const level = oneOf<Severity>('level', SEVERITIES, true)
  const category = oneOf<Category>('category', CATEGORIES, true)
  const proves = provesField(doc.proves, issue)
  const phase = oneOf<Phase>('phase', PHASES, false)
  const author = str('author', false)
  const date = str('date', false)
  const description = str('description', false)

  const source = stringList(doc.source, 'source', issue, true)?.filter((s, i) => {
    if ((LOG_TYPES as readonly string[]).includes(s)) return true
    issue(`source[${i}]`, `unknown log type '${s}' (one of ${LOG_TYPES.join(', ')})`)
    return false
  }) as LogType[] | undefined
  const subtype = stringList(doc.subtype, 'subtype', issue, false)?.map((s) => s.toLowerCase())

  let cves: string[] = []
  let attack: string[] = []
  if (doc.classification !== undefined) {
    const c = doc.classification
    if (!isPlainObject(c))
      issue('classification', 'classification must be a mapping (cves, attack)')
    else {
      for (const k of Object.keys(c)) {
        if (k !== 'cves' && k !== 'attack')
          issue(`classification.${k}`, `unknown key '${k}'`, 'warning')
      }
      cves = stringList(c.cves, 'classification.cves', issue, false) ?? []
      cves.forEach((v, i) => {
        if (!CVE_RE.test(v))
          issue(`classification.cves[${i}]`, `'${v}' is not a CVE id (CVE-YYYY-NNNN)`)
      })
      attack = stringList(c.attack, 'classification.attack', issue, false) ?? []
      attack.forEach((v, i) => {
        if (!ATTACK_RE.test(v))
          issue(
            `classification.attack[${i}]`,
            `'${v}' is not an ATT&CK id (T1234 or T1234.001)`,
            'warning',
          )
      })
    }
  }
  const references = stringList(doc.references, 'references', issue, true) ?? []
  if (doc.references !== undefined && references.length === 0)
    issue('references', 'give at least one reference')
  references.forEach((r, i) => {
    if (!/^https?:\/\//.test(r))
      issue(`references[${i}]`, 'a reference should be an http(s) URL', 'warning')
  })

  let match: Condition | undefined
  if (doc.match === undefined) issue('match', 'match is required')
  else match = parseCondition(doc.match, 'match', issue)

  const outcome = parseOutcome(doc.outcome, issue)
  const aggregate = parseAggregate(doc.aggregate, issue)
  const fields = (stringList(doc.fields, 'fields', issue, false) ?? []).map((f) => f.toLowerCase())
  // IIS lines default to IIS's standard field set; other logs' columns vary, so a line needs its header.
  const tests = parseTests(doc.tests, issue, source?.[0] !== 'iis')
  if (issues.some((i) => i.severity === 'error')) return { issues }
  const rule: NativeRule = {
    id: id!,
    title: title!,
    status: status!,
    level: level!,
    category: category!,
    proves: proves!,
    ...(phase ? { phase } : {}),
    source: source!,
    ...(subtype ? { subtype } : {}),
    cves,
    attack,
    references,
    ...(author ? { author } : {}),
    ...(date ? { date } : {}),
    ...(description ? { description } : {}),
    match: match!,
    ...(outcome ? { outcome } : {}),
    ...(aggregate ? { aggregate } : {}),
    fields,
    tests: tests!,
    file,
  }
  return { rule, issues }
}
