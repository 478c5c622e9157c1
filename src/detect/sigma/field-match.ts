// One `Field|mod|mod: value(s)` of a selection (or a keyword list when the field is empty) → a predicate
// over an EventView. Every modifier SigmaHQ's rules use: contains, startswith, endswith, all, cased,
// re (with its i/m/s flags, through RE2), base64, base64offset, utf16le/utf16be/utf16/wide, windash,
// cidr, exists, fieldref, lt/lte/gt/gte. `expand` (placeholders filled per site) is not supported.
import RE2 from 're2'
import { type Cidr, inCidr, parseCidr } from './cidr.ts'
import { SigmaRuleError, SigmaUnsupported } from './errors.ts'
import type { EventView, FieldValue } from './event-view.ts'
import {
  compileString,
  literal,
  type MatchOp,
  parseSigmaString,
  type StrTest,
} from './sigma-string.ts'
import { applyTransform, TRANSFORMS, type Transform, type Variant } from './transforms.ts'

export type Pred = (v: EventView) => boolean

const OPS = new Set(['contains', 'startswith', 'endswith'])
const NUMERIC = new Set(['lt', 'lte', 'gt', 'gte'])
const TYPES = new Set(['re', 'cidr', 'exists', 'fieldref', ...NUMERIC])
const RE_FLAGS = new Set(['i', 'm', 's', 'ignorecase', 'multiline', 'dotall'])

type Scalar = string | number | boolean | null

function scalars(value: unknown, where: string): Scalar[] {
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) throw new SigmaRuleError(`${where}: an empty list matches nothing`)
  return list.map((v) => {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      return v
    if (v instanceof Date) return v.toISOString().slice(0, 10)
    throw new SigmaRuleError(`${where}: a value must be a string, number, boolean or null`)
  })
}

const present = (v: FieldValue): v is string | readonly string[] => v !== undefined && v !== null
const each = (v: string | readonly string[]): readonly string[] => (typeof v === 'string' ? [v] : v)

/** Field names the predicate reads (for the finding's fields); '' is the keyword search. */
export interface FieldMatch {
  pred: Pred
  field: string
}

export function compileFieldMatch(key: string, value: unknown, where: string): FieldMatch {
  const [field = '', ...mods] = key.split('|')
  const keyword = field === ''
  let op: MatchOp = keyword ? 'contains' : 'equals'
  let type: string | undefined
  let all = false
  let cased = false
  const reFlags = new Set<string>()
  const transforms: Transform[] = []
  for (const m of mods) {
    if (m === 'all') all = true
    else if (m === 'cased') cased = true
    else if (OPS.has(m)) {
      if (op !== 'equals' && !keyword)
        throw new SigmaRuleError(`${where}: |${op} and |${m} conflict`)
      op = m as MatchOp
    } else if (TYPES.has(m)) {
      if (type !== undefined && !(type === 'fieldref' && m === 'fieldref'))
        throw new SigmaRuleError(`${where}: |${type} and |${m} conflict`)
      type = m
    } else if (RE_FLAGS.has(m)) reFlags.add(m[0]!)
    else if ((TRANSFORMS as readonly string[]).includes(m)) transforms.push(m as Transform)
    else if (m === 'expand')
      throw new SigmaUnsupported(
        `${where}: |expand (placeholders filled per site) is not supported`,
      )
    else throw new SigmaRuleError(`${where}: unknown modifier |${m}`)
  }
  if (reFlags.size > 0 && type !== 're')
    throw new SigmaRuleError(`${where}: |i, |m and |s are flags of |re`)
  const vals = scalars(value, where)

  if (type === 'exists') {
    if (keyword) throw new SigmaRuleError(`${where}: |exists needs a field`)
    if (vals.length !== 1 || typeof vals[0] !== 'boolean')
      throw new SigmaRuleError(`${where}: |exists takes true or false`)
    const want = vals[0]
    return { field, pred: (v) => present(v.get(field, false)) === want }
  }
  if (type === 'fieldref') {
    if (keyword) throw new SigmaRuleError(`${where}: |fieldref needs a field`)
    const refs = vals.map((r) => {
      if (typeof r !== 'string' || r === '')
        throw new SigmaRuleError(`${where}: |fieldref takes field names`)
      return r
    })
    const lower = !cased
    const cmp = compareOp(op)
    const tests = refs.map((ref): Pred => {
      return (v) => {
        const a = v.get(field, lower)
        const b = v.get(ref, lower)
        if (!present(a) || !present(b)) return false
        return each(b).some((bv) => each(a).some((av) => cmp(av, bv)))
      }
    })
    return { field, pred: combine(tests, all) }
  }
  if (type !== undefined && NUMERIC.has(type)) {
    const nums = vals.map((n) => {
      const x = typeof n === 'number' ? n : Number(n)
      if (typeof n === 'boolean' || n === null || Number.isNaN(x))
        throw new SigmaRuleError(`${where}: |${type} takes a number`)
      return x
    })
    const cmp =
      type === 'lt'
        ? (a: number, b: number) => a < b
        : type === 'lte'
          ? (a: number, b: number) => a <= b
          : type === 'gt'
            ? (a: number, b: number) => a > b
            : (a: number, b: number) => a >= b
    const tests = nums.map((n): Pred => {
      return (v) => {
        const x = v.get(field, false)
        if (!present(x)) return false
        return each(x).some((s) => s.trim() !== '' && cmp(Number(s), n))
      }
    })
    return { field, pred: combine(tests, all) }
  }
  if (type === 'cidr') {
    const nets: Cidr[] = vals.map((c) => {
      const n = typeof c === 'string' ? parseCidr(c) : undefined
      if (!n) throw new SigmaRuleError(`${where}: '${String(c)}' is not a CIDR network`)
      return n
    })
    const tests = nets.map((n): Pred => {
      return (v) => {
        const x = v.get(field, false)
        return present(x) && each(x).some((s) => inCidr(n, s))
      }
    })
    return { field, pred: combine(tests, all) }
  }
  if (type === 're') {
    const flags = `${reFlags.has('i') ? 'i' : ''}${reFlags.has('m') ? 'm' : ''}${reFlags.has('s') ? 's' : ''}`
    const tests = vals.map((r): Pred => {
      if (typeof r !== 'string') throw new SigmaRuleError(`${where}: |re takes a string`)
      let re: RE2
      try {
        re = new RE2(r, flags)
      } catch (e) {
        throw new SigmaRuleError(`${where}: regex refused by RE2 (${(e as Error).message})`)
      }
      // A regex sees the value as logged: its own flags decide case.
      if (keyword) return (v) => re.test(v.text(false))
      return (v) => {
        const x = v.get(field, false)
        return present(x) && each(x).some((s) => re.test(s))
      }
    })
    return { field, pred: combine(tests, all) }
  }

  // String values (with transforms), numbers, booleans, null.
  const lower = !cased
  const tests: Pred[] = []
  for (const s of vals) {
    if (s === null) {
      if (keyword) throw new SigmaRuleError(`${where}: a keyword cannot be null`)
      tests.push((v) => {
        const x = v.get(field, false)
        return !present(x) || x === '' || (typeof x !== 'string' && x.length === 0)
      })
      continue
    }
    let variants: Variant[] = [
      { toks: typeof s === 'string' ? parseSigmaString(s) : literal(String(s)), bytes: false },
    ]
    for (const t of transforms) variants = applyTransform(t, variants)
    const strTests: StrTest[] = variants.map((vr) => compileString(vr.toks, op, cased))
    const one: StrTest = strTests.length === 1 ? strTests[0]! : (x) => strTests.some((t) => t(x))
    if (keyword) tests.push((v) => one(v.text(lower)))
    else
      tests.push((v) => {
        const x = v.get(field, lower)
        if (!present(x)) return false
        return typeof x === 'string' ? one(x) : x.some(one)
      })
  }
  return { field, pred: combine(tests, all) }
}

function combine(tests: Pred[], all: boolean): Pred {
  if (tests.length === 1) return tests[0]!
  return all ? (v) => tests.every((t) => t(v)) : (v) => tests.some((t) => t(v))
}

// fieldref compares with another field's value, known only per record.
function compareOp(op: MatchOp): (a: string, b: string) => boolean {
  switch (op) {
    case 'equals':
      return (a, b) => a === b
    case 'contains':
      return (a, b) => a.includes(b)
    case 'startswith':
      return (a, b) => a.startsWith(b)
    case 'endswith':
      return (a, b) => a.endsWith(b)
  }
}
