// Condition trees of the native format → typed Condition, reporting every problem with its field path.
import {
  type Condition,
  type Leaf,
  LIST_OPERATORS,
  STRING_OPERATORS,
  type StringOperator,
} from './rule-types.ts'

const GROUP_KEYS = ['all', 'any', 'none', 'not'] as const
const OPERATOR_KEYS: ReadonlySet<string> = new Set([...STRING_OPERATORS, 'exists', 'gte', 'lte'])
const MODIFIER_KEYS: ReadonlySet<string> = new Set(['field', 'case', 'decode'])
const MAX_DEPTH = 32

export type IssueSink = (path: string, message: string, severity?: 'error' | 'warning') => void

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
}

function scalarString(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return undefined
}

/** Parse a condition; undefined when it has errors (all of them go to `issue`). */
export function parseCondition(
  raw: unknown,
  path: string,
  issue: IssueSink,
  depth = 0,
): Condition | undefined {
  if (!isPlainObject(raw)) {
    issue(path, 'a condition must be a mapping (a group: all/any/none/not, or a leaf with field)')
    return undefined
  }
  if (depth > MAX_DEPTH) {
    issue(path, `conditions nest deeper than ${MAX_DEPTH} levels`)
    return undefined
  }
  if ('field' in raw) return parseLeaf(raw, path, issue)
  const keys = Object.keys(raw)
  if (keys.length === 0) {
    issue(path, 'empty condition: give all, any, none, not or a field')
    return undefined
  }
  let ok = true
  const out: {
    kind: 'group'
    all?: Condition[]
    any?: Condition[]
    none?: Condition[]
    not?: Condition
  } = {
    kind: 'group',
  }
  for (const k of keys) {
    if (!(GROUP_KEYS as readonly string[]).includes(k)) {
      issue(
        `${path}.${k}`,
        `unknown key '${k}' (a group holds all, any, none, not; a leaf needs field)`,
      )
      ok = false
    }
  }
  for (const k of ['all', 'any', 'none'] as const) {
    if (!(k in raw)) continue
    const list = raw[k]
    if (!Array.isArray(list) || list.length === 0) {
      issue(`${path}.${k}`, `'${k}' must be a non-empty list of conditions`)
      ok = false
      continue
    }
    const children: Condition[] = []
    list.forEach((c, i) => {
      const child = parseCondition(c, `${path}.${k}[${i}]`, issue, depth + 1)
      if (child) children.push(child)
      else ok = false
    })
    out[k] = children
  }
  if ('not' in raw) {
    const child = parseCondition(raw.not, `${path}.not`, issue, depth + 1)
    if (child) out.not = child
    else ok = false
  }
  return ok ? out : undefined
}

function parseLeaf(raw: Record<string, unknown>, path: string, issue: IssueSink): Leaf | undefined {
  let ok = true
  const fieldRaw = raw.field
  let field = ''
  if (typeof fieldRaw !== 'string' || fieldRaw.trim() === '') {
    issue(`${path}.field`, 'field must be a non-empty string')
    ok = false
  } else {
    field = fieldRaw.trim().toLowerCase()
    if (field !== fieldRaw) {
      issue(`${path}.field`, `field names are lowercased header names: use '${field}'`, 'warning')
    }
  }
  const ops: string[] = []
  for (const k of Object.keys(raw)) {
    if (OPERATOR_KEYS.has(k)) ops.push(k)
    else if (!MODIFIER_KEYS.has(k)) {
      issue(
        `${path}.${k}`,
        `unknown key '${k}' in a leaf (operators: ${[...OPERATOR_KEYS].join(', ')})`,
      )
      ok = false
    }
  }
  let caseSensitive = false
  if ('case' in raw) {
    if (raw.case === 'sensitive') caseSensitive = true
    else if (raw.case !== 'insensitive') {
      issue(`${path}.case`, "case must be 'sensitive' or 'insensitive'")
      ok = false
    }
  }
  let decodeUrl = false
  if ('decode' in raw) {
    if (raw.decode === 'url') decodeUrl = true
    else {
      issue(`${path}.decode`, "decode must be 'url'")
      ok = false
    }
  }
  const range = ops.length > 0 && ops.every((o) => o === 'gte' || o === 'lte')
  if (ops.length === 0) {
    issue(path, 'a leaf needs one operator (equals, contains, wildcard, regex, exists, gte, ...)')
    return undefined
  }
  if (ops.length > 1 && !range) {
    issue(path, `a leaf takes exactly one operator, found ${ops.join(', ')}`)
    return undefined
  }
  if (range) {
    const nums: { gte?: number; lte?: number } = {}
    for (const o of ops as ('gte' | 'lte')[]) {
      const n = typeof raw[o] === 'string' ? Number(raw[o]) : raw[o]
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        issue(`${path}.${o}`, `${o} must be a number`)
        ok = false
      } else nums[o] = n
    }
    return ok ? { kind: 'range', field, ...nums, decodeUrl } : undefined
  }
  const op = ops[0]!
  if (op === 'exists') {
    if (typeof raw.exists !== 'boolean') {
      issue(`${path}.exists`, 'exists must be true or false')
      return undefined
    }
    return ok ? { kind: 'exists', field, exists: raw.exists } : undefined
  }
  const values = parseValues(raw[op], op, `${path}.${op}`, issue)
  if (!values) return undefined
  if (op === 'regex') {
    try {
      new RegExp(values[0]!, caseSensitive ? '' : 'i')
    } catch (e) {
      issue(`${path}.regex`, `invalid regular expression: ${(e as Error).message}`)
      ok = false
    }
  }
  if (!ok) return undefined
  return { kind: 'string', field, op: op as StringOperator, values, caseSensitive, decodeUrl }
}

function parseValues(v: unknown, op: string, path: string, issue: IssueSink): string[] | undefined {
  if (LIST_OPERATORS.has(op)) {
    if (!Array.isArray(v) || v.length === 0) {
      issue(path, `${op} takes a non-empty list of strings`)
      return undefined
    }
    const out: string[] = []
    let ok = true
    v.forEach((item, i) => {
      const s = scalarString(item)
      if (s === undefined) {
        issue(`${path}[${i}]`, 'list items must be strings')
        ok = false
      } else out.push(s)
    })
    return ok ? out : undefined
  }
  const s = scalarString(v)
  if (s === undefined) {
    issue(
      path,
      `${op} takes a string${Array.isArray(v) ? ` (for a list use ${listHint(op)})` : ''}`,
    )
    return undefined
  }
  if (s === '' && op !== 'equals') {
    issue(path, `an empty ${op} pattern matches everything`, 'warning')
  }
  return [s]
}

function listHint(op: string): string {
  return op === 'equals' ? 'in' : `${op}-any`
}
