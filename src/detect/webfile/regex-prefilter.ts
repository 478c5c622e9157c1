// Cheap checks that rule a heuristic regex out before V8 runs it over a whole file: a literal one of the
// regex's alternatives must contain (indexOf), or a long run of one character class it starts with.
// `[A-Za-z0-9+/]{1500,}` backtracks at every position of every shorter run; one linear pass does not.

export interface RegexPrefilter {
  /** One literal per top-level alternative; the text must contain at least one. */
  needles?: string[]
  /** Needles are lowercased and compared with the lowercased text (the regex ignores case). */
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

/** Undefined when nothing cheap is known about the regex. */
export function regexPrefilter(source: string, flags: string): RegexPrefilter | undefined {
  const lower = flags.includes('i')
  if (flags.includes('u') || flags.includes('v')) return undefined
  const alts = topLevelAlternatives(source)
  const run = alts.length === 1 ? leadingRun(source, lower) : undefined
  if (run) return { lower, run }
  const needles: string[] = []
  for (const alt of alts) {
    const lit = requiredLiteral(alt)
    if (lit.length < 2) return undefined
    needles.push(lower ? lit.toLowerCase() : lit)
  }
  return { needles, lower }
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
 * False when the regex cannot match `text` (`lower` is its lowercased form). `memo` keeps needle answers
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
  for (const n of p.needles ?? []) {
    const k = p.lower ? n : `\0${n}`
    let found = memo?.get(k)
    if (found === undefined) {
      found = hay.includes(n)
      memo?.set(k, found)
    }
    if (found) return true
  }
  return false
}
