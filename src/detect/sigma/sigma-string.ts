// Sigma string values: `*` any run, `?` one character, `\` escaping `*`, `?` and `\` (a backslash before
// anything else is literal, so Windows paths need no doubling), as the Sigma specification and pySigma's
// SigmaString read them. A value compiles to the cheapest test: a plain includes/startsWith/endsWith/===
// when its only wildcards are at the ends, else one RE2 regex (linear time, compiled once).
import RE2 from 're2'

export const ANY = Symbol('*')
export const ONE = Symbol('?')
export type Tok = string | typeof ANY | typeof ONE

/** A value as tokens: literal runs and wildcards. */
export function parseSigmaString(s: string): Tok[] {
  const out: Tok[] = []
  let lit = ''
  const flush = () => {
    if (lit) out.push(lit)
    lit = ''
  }
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c === '\\') {
      const n = s[i + 1]
      if (n === '*' || n === '?' || n === '\\') {
        lit += n
        i++
      } else lit += c
    } else if (c === '*') {
      flush()
      out.push(ANY)
    } else if (c === '?') {
      flush()
      out.push(ONE)
    } else lit += c
  }
  flush()
  return out
}

export const literal = (s: string): Tok[] => (s ? [s] : [])

export function hasWildcard(toks: readonly Tok[]): boolean {
  return toks.some((t) => typeof t !== 'string')
}

export type MatchOp = 'equals' | 'contains' | 'startswith' | 'endswith'
export type StrTest = (v: string) => boolean

const RE_SPECIAL = /[.*+?^${}()|[\]\\/]/g

/**
 * A test of one string value. `cased`: compare as written; else both sides are lowercased (the caller
 * passes the value lowercased, once per record), which folds case beyond ASCII.
 */
export function compileString(toks0: readonly Tok[], op: MatchOp, cased: boolean): StrTest {
  const toks: Tok[] = toks0.map((t) => (typeof t === 'string' && !cased ? t.toLowerCase() : t))
  if (op === 'contains' || op === 'endswith') toks.unshift(ANY)
  if (op === 'contains' || op === 'startswith') toks.push(ANY)
  // Runs of `*` are one `*`.
  const norm: Tok[] = []
  for (const t of toks) if (!(t === ANY && norm[norm.length - 1] === ANY)) norm.push(t)
  const lead = norm[0] === ANY
  const trail = norm.length > 1 && norm[norm.length - 1] === ANY
  const mid = norm.slice(lead ? 1 : 0, trail ? -1 : undefined)
  if (!hasWildcard(mid)) {
    const lit = (mid as string[]).join('')
    if (lead && trail) return lit === '' ? () => true : (v) => v.includes(lit)
    if (lead) return (v) => v.endsWith(lit)
    if (trail) return (v) => v.startsWith(lit)
    return (v) => v === lit
  }
  const src = norm
    .map((t) => (t === ANY ? '(?s:.)*' : t === ONE ? '(?s:.)' : t.replace(RE_SPECIAL, '\\$&')))
    .join('')
  const re = new RE2(`^${src}$`)
  return (v) => re.test(v)
}
