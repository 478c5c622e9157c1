// The optional blocks of a rule (outcome, aggregate, tests) and list helpers, for validate.ts.
import { SEVERITIES, type Severity } from '../../shared/types.ts'
import { isPlainObject, parseCondition } from './parse-condition.ts'
import type { NativeRule, RuleAggregate, RuleOutcome, TestCase } from './rule-types.ts'

const WINDOW_RE = /^(\d+)(ms|s|m|h|d)$/
const WINDOW_UNIT: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 }

export function windowMs(w: string): number | undefined {
  const m = WINDOW_RE.exec(w)
  return m ? Number(m[1]) * WINDOW_UNIT[m[2]!]! : undefined
}

export type Sink = (path: string, message: string, severity?: 'error' | 'warning') => void

export function stringList(
  v: unknown,
  path: string,
  issue: Sink,
  required: boolean,
): string[] | undefined {
  if (v === undefined || v === null) {
    if (required) issue(path, `${path} is required`)
    return undefined
  }
  const list = Array.isArray(v) ? v : [v]
  const out: string[] = []
  list.forEach((item, i) => {
    if (typeof item === 'string' && item.trim() !== '') out.push(item.trim())
    else issue(Array.isArray(v) ? `${path}[${i}]` : path, 'must be a non-empty string')
  })
  return out
}

export function parseOutcome(v: unknown, issue: Sink): RuleOutcome | undefined {
  if (v === undefined) return undefined
  if (!isPlainObject(v)) {
    issue('outcome', 'outcome must be a mapping (default, success, level-if-attempt)')
    return undefined
  }
  for (const k of Object.keys(v)) {
    if (!['default', 'success', 'level-if-attempt'].includes(k))
      issue(`outcome.${k}`, `unknown key '${k}'`)
  }
  const def = v.default ?? 'unknown'
  if (def !== 'success' && def !== 'attempt' && def !== 'unknown') {
    issue('outcome.default', 'default must be success, attempt or unknown')
  }
  const success =
    v.success === undefined ? undefined : parseCondition(v.success, 'outcome.success', issue)
  const lia = v['level-if-attempt']
  if (lia !== undefined && !(SEVERITIES as readonly unknown[]).includes(lia)) {
    issue('outcome.level-if-attempt', `level-if-attempt must be one of ${SEVERITIES.join(', ')}`)
  }
  return {
    default: def as RuleOutcome['default'],
    ...(success ? { success } : {}),
    ...(lia !== undefined ? { levelIfAttempt: lia as Severity } : {}),
  }
}

export function parseAggregate(v: unknown, issue: Sink): RuleAggregate | undefined {
  if (v === undefined) return undefined
  if (!isPlainObject(v)) {
    issue('aggregate', 'aggregate must be a mapping (by, distinct, min, window)')
    return undefined
  }
  for (const k of Object.keys(v)) {
    if (!['by', 'distinct', 'min', 'window'].includes(k))
      issue(`aggregate.${k}`, `unknown key '${k}'`)
  }
  const name = (k: 'by' | 'distinct') => {
    const s = v[k]
    if (typeof s !== 'string' || s.trim() === '') {
      issue(`aggregate.${k}`, `${k} must be a field name`)
      return ''
    }
    return s.trim().toLowerCase()
  }
  const by = name('by')
  const distinct = name('distinct')
  const min = v.min
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 1) {
    issue('aggregate.min', 'min must be a whole number >= 1')
  }
  let ms: number | undefined
  if (v.window !== undefined) {
    ms = typeof v.window === 'string' ? windowMs(v.window) : undefined
    if (ms === undefined || ms <= 0)
      issue('aggregate.window', "window must look like '30s', '10m', '1h' or '2d'")
  }
  return {
    by,
    distinct,
    min: min as number,
    ...(ms !== undefined ? { windowMs: ms, window: v.window as string } : {}),
  }
}

export function parseTests(
  v: unknown,
  issue: Sink,
  needsHeader: boolean,
): NativeRule['tests'] | undefined {
  if (!isPlainObject(v)) {
    issue('tests', 'tests is required: a mapping with positive and negative lists')
    return undefined
  }
  const side = (k: 'positive' | 'negative'): TestCase[] => {
    const list = v[k]
    if (!Array.isArray(list) || list.length === 0) {
      issue(`tests.${k}`, `give at least one ${k} test`)
      return []
    }
    const out: TestCase[] = []
    for (const [i, t] of list.entries()) {
      const p = `tests.${k}[${i}]`
      const c = parseTestCase(t, p, issue, needsHeader)
      if (c) out.push(c)
    }
    return out
  }
  for (const k of Object.keys(v)) {
    if (k !== 'positive' && k !== 'negative') issue(`tests.${k}`, `unknown key '${k}'`)
  }
  return { positive: side('positive'), negative: side('negative') }
}

function parseTestCase(
  t: unknown,
  p: string,
  issue: Sink,
  needsHeader: boolean,
): TestCase | undefined {
  if (!isPlainObject(t)) {
    issue(p, 'a test is a field map or { line, header }')
    return undefined
  }
  if ('line' in t) {
    if (typeof t.line !== 'string') {
      issue(`${p}.line`, 'line must be a string')
      return undefined
    }
    if (t.header !== undefined && typeof t.header !== 'string') {
      issue(`${p}.header`, "header must be the log's '#Fields:' line")
      return undefined
    }
    if (t.header === undefined && needsHeader) {
      issue(`${p}.header`, "a line test needs the log's '#Fields:' header")
      return undefined
    }
    return { kind: 'line', line: t.line, ...(t.header ? { header: t.header } : {}) }
  }
  const fields: Record<string, string> = {}
  for (const [name, value] of Object.entries(t)) {
    if (typeof value === 'object' && value !== null)
      issue(`${p}.${name}`, 'test field values must be scalars')
    else fields[name.toLowerCase()] = value === null ? '' : String(value)
  }
  return { kind: 'fields', fields }
}
