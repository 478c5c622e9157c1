// Condition trees → closures over a FieldReader. Patterns are lowercased once here; values once per record.
import RE2 from 're2'
import type { Condition, Leaf } from '../../shared/native-rule.ts'
import type { FieldReader } from './field-reader.ts'
import { compileWildcard, type StringTest } from './wildcard.ts'

export type Predicate = (r: FieldReader) => boolean

export interface ConditionOptions {
  /** Compile regexes with RE2 (linear time) instead of RegExp: for user-supplied content. */
  untrusted?: boolean
}

function stringTest(leaf: Extract<Leaf, { kind: 'string' }>, opts: ConditionOptions): StringTest {
  const lower = !leaf.caseSensitive
  const vals =
    leaf.op === 'regex' ? leaf.values : leaf.values.map((v) => (lower ? v.toLowerCase() : v))
  const one = vals[0]!
  switch (leaf.op) {
    case 'equals':
      return (v) => v === one
    case 'in': {
      const set = new Set(vals)
      return (v) => set.has(v)
    }
    case 'contains':
      return (v) => v.includes(one)
    case 'contains-any':
      return (v) => vals.some((p) => v.includes(p))
    case 'contains-all':
      return (v) => vals.every((p) => v.includes(p))
    case 'startswith':
      return (v) => v.startsWith(one)
    case 'startswith-any':
      return (v) => vals.some((p) => v.startsWith(p))
    case 'endswith':
      return (v) => v.endsWith(one)
    case 'endswith-any':
      return (v) => vals.some((p) => v.endsWith(p))
    case 'wildcard':
      return compileWildcard(one)
    case 'regex': {
      const flags = lower ? 'i' : ''
      const re = opts.untrusted ? new RE2(one, flags) : new RegExp(one, flags)
      return (v) => re.test(v)
    }
  }
}

function compileLeaf(leaf: Leaf, opts: ConditionOptions): Predicate {
  const field = leaf.field
  if (leaf.kind === 'exists') {
    const want = leaf.exists
    return (r) => {
      const v = r.value(field)
      return (v !== undefined && v !== '' && v !== '-') === want
    }
  }
  if (leaf.kind === 'range') {
    const { gte, lte, decodeUrl } = leaf
    return (r) => {
      const v = r.get(field, false, decodeUrl)
      if (v === undefined || v.trim() === '') return false
      const n = Number(v)
      if (Number.isNaN(n)) return false
      return (gte === undefined || n >= gte) && (lte === undefined || n <= lte)
    }
  }
  const test = stringTest(leaf, opts)
  // Regexes fold case themselves (flag i), so they read the value as logged.
  const lower = !leaf.caseSensitive && leaf.op !== 'regex'
  const decode = leaf.decodeUrl
  return (r) => {
    const v = r.get(field, lower, decode)
    return v !== undefined && test(v)
  }
}

/** Throws on a regex the engine rejects (RE2 refuses lookaround and backreferences). */
export function compileCondition(c: Condition, opts: ConditionOptions = {}): Predicate {
  if (c.kind !== 'group') return compileLeaf(c, opts)
  const parts: Predicate[] = []
  if (c.all) {
    const ps = c.all.map((x) => compileCondition(x, opts))
    parts.push(ps.length === 1 ? ps[0]! : (r) => ps.every((p) => p(r)))
  }
  if (c.any) {
    const ps = c.any.map((x) => compileCondition(x, opts))
    parts.push((r) => ps.some((p) => p(r)))
  }
  if (c.none) {
    const ps = c.none.map((x) => compileCondition(x, opts))
    parts.push((r) => !ps.some((p) => p(r)))
  }
  if (c.not) {
    const p = compileCondition(c.not, opts)
    parts.push((r) => !p(r))
  }
  if (parts.length === 1) return parts[0]!
  return (r) => parts.every((p) => p(r))
}
