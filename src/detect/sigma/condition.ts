// Sigma's condition expressions: identifiers, and/or/not, parentheses, `1 of x*`, `all of x*`,
// `1 of them`, `all of them` (them: every search identifier not starting with `_`), a number N for
// `N of`. Precedence as the specification gives it: not > and > or. An aggregation (`| count() > 5`) or
// `near` is valid Sigma this engine does not run: the rule is skipped with that reason.
import { SigmaRuleError, SigmaUnsupported } from './errors.ts'
import type { Pred } from './field-match.ts'

type Node =
  | { t: 'id'; name: string }
  | { t: 'and' | 'or'; a: Node; b: Node }
  | { t: 'not'; a: Node }
  | { t: 'of'; n: number | 'all'; pattern: string }

const TOKEN = /\s*(\(|\)|[^\s()]+)/y

function tokenize(s: string): string[] {
  const out: string[] = []
  let at = 0
  for (;;) {
    TOKEN.lastIndex = at
    const m = TOKEN.exec(s)
    if (m === null) break
    out.push(m[1]!)
    at = TOKEN.lastIndex
  }
  if (s.slice(at).trim() !== '') throw new SigmaRuleError(`cannot read condition '${s}'`)
  return out
}

export function parseCondition(src: string): Node {
  const toks = tokenize(src)
  let i = 0
  const peek = () => toks[i]?.toLowerCase()
  const next = () => toks[i++]
  const fail = (msg: string): never => {
    throw new SigmaRuleError(`condition '${src}': ${msg}`)
  }
  const or = (): Node => {
    let a = and()
    while (peek() === 'or') {
      next()
      a = { t: 'or', a, b: and() }
    }
    return a
  }
  const and = (): Node => {
    let a = not()
    while (peek() === 'and') {
      next()
      a = { t: 'and', a, b: not() }
    }
    return a
  }
  const not = (): Node => {
    if (peek() === 'not') {
      next()
      return { t: 'not', a: not() }
    }
    return primary()
  }
  const primary = (): Node => {
    const t = next()
    if (t === undefined) return fail('ends too early')
    const low = t.toLowerCase()
    if (t === '(') {
      const e = or()
      if (next() !== ')') fail("a '(' is not closed")
      return e
    }
    if (t === ')' || low === 'and' || low === 'or') return fail(`unexpected '${t}'`)
    if (t === '|')
      throw new SigmaUnsupported('aggregation conditions (| count() ...) are not supported')
    if (low === 'near') throw new SigmaUnsupported("'near' conditions are not supported")
    if (peek() === 'of') {
      next()
      const target = next()
      if (target === undefined || target === '(' || target === ')')
        return fail(`'${t} of' needs an identifier pattern or 'them'`)
      let n: number | 'all'
      if (low === 'all') n = 'all'
      else if (low === 'any') n = 1
      else if (/^[1-9]\d*$/.test(t)) n = Number(t)
      else return fail(`'${t} of': expected 1, a number or all`)
      return { t: 'of', n, pattern: target }
    }
    if (/^[A-Za-z0-9_*.-]+$/.test(t)) return { t: 'id', name: t }
    return fail(`'${t}' is not a search identifier`)
  }
  const e = or()
  if (i < toks.length) {
    if (toks[i] === '|')
      throw new SigmaUnsupported('aggregation conditions (| count() ...) are not supported')
    if (toks[i]?.toLowerCase() === 'near')
      throw new SigmaUnsupported("'near' conditions are not supported")
    fail(`unexpected '${toks[i]}'`)
  }
  return e
}

function glob(pattern: string): RegExp {
  const src = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${src}$`)
}

/** The condition over the compiled search identifiers; throws on an identifier the rule lacks. */
export function compileCondition(node: Node, searches: ReadonlyMap<string, Pred>): Pred {
  switch (node.t) {
    case 'id': {
      if (node.name.includes('*'))
        throw new SigmaRuleError(`'${node.name}': a pattern needs '1 of' or 'all of'`)
      const p = searches.get(node.name)
      if (!p) throw new SigmaRuleError(`condition names '${node.name}', which the detection lacks`)
      return p
    }
    case 'and': {
      const a = compileCondition(node.a, searches)
      const b = compileCondition(node.b, searches)
      return (v) => a(v) && b(v)
    }
    case 'or': {
      const a = compileCondition(node.a, searches)
      const b = compileCondition(node.b, searches)
      return (v) => a(v) || b(v)
    }
    case 'not': {
      const a = compileCondition(node.a, searches)
      return (v) => !a(v)
    }
    case 'of': {
      const names = [...searches.keys()].filter((k) =>
        node.pattern === 'them' ? !k.startsWith('_') : glob(node.pattern).test(k),
      )
      if (names.length === 0)
        throw new SigmaRuleError(`'${node.pattern}' matches no search identifier`)
      const ps = names.map((k) => searches.get(k)!)
      const n = node.n
      if (n === 'all') return (v) => ps.every((p) => p(v))
      if (n === 1) return (v) => ps.some((p) => p(v))
      return (v) => {
        let hits = 0
        for (const p of ps) if (p(v) && ++hits >= n) return true
        return false
      }
    }
  }
}
