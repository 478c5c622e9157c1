// Cheap checks that rule a heuristic regex out before V8 runs it over a whole file: literals every match
// of one of the regex's alternatives contains (indexOf), or a long run of one character class it starts
// with. `[A-Za-z0-9+/]{1500,}` backtracks at every position of every shorter run; one linear pass does not.
// The literals of every heuristic are looked for together, in one pass over the file (`literalsIn`).
import { type Automaton, buildAutomaton } from '../../shared/aho-corasick.ts'

export interface RegexPrefilter {
  /**
   * Per top-level alternative, the literal sets it needs: every set must have one of its literals in the
   * text. A set is the alternative's longest literal alone, or one literal per branch of a group it
   * cannot skip (`(?:GetFiles|GetDirectories)\s*\(`). The text must satisfy one alternative.
   */
  alts?: string[][][]
  /** Literals are lowercased and compared with the lowercased text (the regex ignores case). */
  lower: boolean
  /** A run of at least `min` characters of `table` (ASCII membership, 1 = in class) must occur. */
  run?: { table: Uint8Array; min: number }
}

/** Splits a pattern at top-level `|` (outside groups and classes). */
function topLevelAlternatives(src: string): string[] {
  const out: string[] = []
  let depth = 0
  let inClass = false
  let start = 0
  for (let i = 0; i < src.length; i++) {
    const c = src[i]
    if (c === '\\') i++
    else if (inClass) inClass = c !== ']'
    else if (c === '[') inClass = true
    else if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === '|' && depth === 0) {
      out.push(src.slice(start, i))
      start = i + 1
    }
  }
  out.push(src.slice(start))
  return out
}

const ESCAPED_LITERAL = /[.()[\]{}*+?^$|\\/\-'"<>%=&,;:!@#~`]/
const META = new Set(['.', '^', '$'])

/** Skips a group or class starting at `i`; returns the index after it. */
function skipNested(src: string, i: number): number {
  let depth = 0
  let inClass = false
  for (; i < src.length; i++) {
    const c = src[i]
    if (c === '\\') i++
    else if (inClass) inClass = c !== ']'
    else if (c === '[') {
      inClass = true
      if (depth === 0) {
        // A class at top level: find its end.
        let j = i + 1
        for (; j < src.length; j++) {
          if (src[j] === '\\') j++
          else if (src[j] === ']') break
        }
        return j + 1
      }
    } else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i + 1
  }
  return src.length
}

/** Index after a non-literal escape whose letter is at `i` (`\x41`, `\u{1F}`, `\k<n>`, `\12`, `\cJ`). */
function escapeEnd(src: string, i: number): number {
  const e = src[i]
  if (e === 'x') return i + 3
  if (e === 'c') return i + 2
  if (e === 'u') return src[i + 1] === '{' ? src.indexOf('}', i) + 1 || src.length : i + 5
  if (e === 'p' || e === 'P') return src.indexOf('}', i) + 1 || src.length
  if (e === 'k') return src.indexOf('>', i) + 1 || src.length
  let j = i
  while (j < src.length && /[0-9]/.test(src[j] as string)) j++
  return Math.max(j, i + 1)
}

/** The longest literal every match of this alternative contains, or '' when there is none. */
export function requiredLiteral(alt: string): string {
  let best = ''
  let cur = ''
  const flush = () => {
    if (cur.length > best.length) best = cur
    cur = ''
  }
  let i = 0
  while (i < alt.length) {
    const c = alt[i] as string
    let atom: string | undefined
    let next = i + 1
    if (c === '\\') {
      const e = alt[i + 1] ?? ''
      next = i + 2
      if (ESCAPED_LITERAL.test(e)) atom = e
      else next = escapeEnd(alt, i + 1)
    } else if (c === '(' || c === '[') {
      next = skipNested(alt, i)
    } else if (!META.has(c) && !'*+?{}|)'.includes(c)) {
      atom = c
    }
    // A quantifier makes the atom optional or repeated: keep it only when it must occur once (`+`).
    const q = alt[next]
    if (q === '*' || q === '?' || q === '{' || q === '+') {
      if (atom !== undefined && q === '+') cur += atom
      flush()
      if (q === '{') next = alt.indexOf('}', next) + 1 || alt.length
      else next++
      if (alt[next] === '?') next++
      i = next
      continue
    }
    if (atom === undefined) flush()
    else cur += atom
    i = next
  }
  flush()
  return best
}

/** `[class]{N,}` at the very start (after an optional `(?:literal)?`): the class as an ASCII table. */
function leadingRun(
  src: string,
  ignoreCase: boolean,
): { table: Uint8Array; min: number } | undefined {
  const m = /^(?:\(\?:[A-Za-z0-9]*\)\?)?\[([A-Za-z0-9+/=_-]+)\]\{(\d+),\d*\}/.exec(src)
  if (!m) return undefined
  const body = m[1] as string
  const min = Number(m[2])
  if (min < 64) return undefined
  const table = new Uint8Array(128)
  for (let i = 0; i < body.length; i++) {
    const a = body.charCodeAt(i)
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const b = body.charCodeAt(i + 2)
      for (let x = a; x <= b; x++) table[x] = 1
      i += 2
    } else table[a] = 1
  }
  if (ignoreCase) {
    for (let x = 65; x <= 90; x++) if (table[x] || table[x + 32]) table[x] = table[x + 32] = 1
  }
  return { table, min }
}

/** Index after the quantifier at `i` (none: `i`), and whether it lets the atom before it be absent. */
function quantifierAt(src: string, i: number): { end: number; optional: boolean } {
  const q = src[i]
  let end = i
  let optional = false
  if (q === '*' || q === '?' || q === '+') {
    end = i + 1
    optional = q !== '+'
  } else if (q === '{') {
    const m = /^\{(\d+)(?:,\d*)?\}/.exec(src.slice(i))
    if (m) {
      end = i + m[0].length
      optional = Number(m[1]) === 0
    }
  }
  if (end > i && src[end] === '?') end++
  return { end, optional }
}

/**
 * Groups every match of `alt` passes through (plain or `(?:` groups at its top level, not quantified to
 * zero), each as one literal per branch; a group with a branch that has no literal says nothing.
 */
function requiredGroups(alt: string, lower: boolean): string[][] {
  const out: string[][] = []
  let i = 0
  while (i < alt.length) {
    const c = alt[i]
    if (c === '\\') {
      const e = alt[i + 1] ?? ''
      i = ESCAPED_LITERAL.test(e) ? i + 2 : escapeEnd(alt, i + 1)
      continue
    }
    if (c !== '(' && c !== '[') {
      i++
      continue
    }
    const end = skipNested(alt, i)
    const q = quantifierAt(alt, end)
    const plain = c === '(' && (alt[i + 1] !== '?' || alt[i + 2] === ':')
    if (plain && !q.optional && end <= alt.length && alt[end - 1] === ')') {
      const inner = alt.slice(alt[i + 1] === '?' ? i + 3 : i + 1, end - 1)
      const lits = topLevelAlternatives(inner).map(requiredLiteral)
      if (lits.every((l) => l.length >= 2)) {
        out.push([...new Set(lits.map((l) => (lower ? l.toLowerCase() : l)))])
      }
    }
    i = Math.max(q.end, end)
  }
  return out
}

/** Undefined when nothing cheap is known about the regex. */
export function regexPrefilter(source: string, flags: string): RegexPrefilter | undefined {
  const lower = flags.includes('i')
  if (flags.includes('u') || flags.includes('v')) return undefined
  const parts = topLevelAlternatives(source)
  const run = parts.length === 1 ? leadingRun(source, lower) : undefined
  if (run) return { lower, run }
  const alts: string[][][] = []
  for (const alt of parts) {
    const lit = requiredLiteral(alt)
    const sets = lit.length >= 2 ? [[lower ? lit.toLowerCase() : lit]] : []
    sets.push(...requiredGroups(alt, lower))
    // An alternative nothing is known of can match any text: so can the regex.
    if (sets.length === 0) return undefined
    alts.push(sets)
  }
  return { alts, lower }
}

/**
 * True when `text` holds `min` class characters in a row. Looks at every `min`-th character first: a
 * run that long must cover it, so most of the text is never read.
 */
export function hasRun(text: string, table: Uint8Array, min: number): boolean {
  const inClass = (i: number) => {
    const c = text.charCodeAt(i)
    return c < 128 && table[c] === 1
  }
  let i = 0
  while (i + min <= text.length) {
    const probe = i + min - 1
    if (!inClass(probe)) {
      i = probe + 1
      continue
    }
    let start = probe
    while (start > i && inClass(start - 1)) start--
    let end = probe + 1
    while (end < start + min && end < text.length && inClass(end)) end++
    if (end >= start + min) return true
    i = end + 1
  }
  return false
}

/**
 * False when the regex cannot match `text` (`lower` is its lowercased form). `memo` keeps literal answers
 * for one file: several heuristics look for the same word (`request`).
 */
export function mayMatch(
  p: RegexPrefilter,
  text: string,
  lower: string,
  memo?: Map<string, boolean>,
): boolean {
  if (p.run) return hasRun(text, p.run.table, p.run.min)
  const hay = p.lower ? lower : text
  const has = (n: string): boolean => {
    const k = p.lower ? n : `\0${n}`
    let found = memo?.get(k)
    if (found === undefined) {
      found = hay.includes(n)
      memo?.set(k, found)
    }
    return found
  }
  return (p.alts ?? []).some((sets) => sets.every((set) => set.some(has)))
}

/** Every ASCII literal of some prefilters, found in one pass over a file's bytes (`literalsIn`). */
export interface LiteralIndex {
  automaton: Automaton | null
  /** `mayMatch` memo key per automaton needle. */
  keys: string[]
  /** Case-sensitive literals: the pass folds ASCII case, so only its "absent" is an answer. */
  exact: boolean[]
}

const ASCII_ONLY = /^[\x00-\x7f]+$/

export function literalIndex(prefilters: Iterable<RegexPrefilter>): LiteralIndex {
  const keys: string[] = []
  const exact: boolean[] = []
  const needles: Uint8Array[] = []
  const seen = new Set<string>()
  for (const p of prefilters) {
    for (const n of (p.alts ?? []).flat(2)) {
      const key = p.lower ? n : `\0${n}`
      if (seen.has(key) || !ASCII_ONLY.test(n)) continue
      seen.add(key)
      keys.push(key)
      exact.push(!p.lower)
      needles.push(Buffer.from(n, 'latin1'))
    }
  }
  return { automaton: needles.length ? buildAutomaton(needles) : null, keys, exact }
}

/**
 * Answers `mayMatch`'s memo for the index's literals from one pass over `bytes` (ASCII letters folded).
 * Only for bytes whose text was decoded as UTF-8: there every ASCII character of the text is the same
 * byte, in the same order, so an ASCII literal is in the text exactly when it is in the bytes. (A regex
 * with `i` but no `u` flag matches an ASCII letter only with its ASCII other case, as the fold does.)
 */
export function literalsIn(ix: LiteralIndex, bytes: Uint8Array, memo: Map<string, boolean>): void {
  const a = ix.automaton
  if (!a) return
  const found = new Uint8Array(ix.keys.length)
  let state = 0
  for (let at = a.scan(bytes, 0, 0); at >= 0; at = a.scan(bytes, at, state)) {
    state = a.lastState
    for (const id of a.outputs(state)) found[id] = 1
  }
  for (let i = 0; i < ix.keys.length; i++) {
    if (!found[i]) memo.set(ix.keys[i] as string, false)
    else if (!ix.exact[i]) memo.set(ix.keys[i] as string, true)
  }
}
