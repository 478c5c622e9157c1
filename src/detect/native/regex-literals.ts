// Literals every match of a regex must contain, read from its source without running it: enough for
// the rule prefilter ('^/ecp/[0-9a-z]{1,3}\.js$' → '/ecp/', '.js'). Conservative: anything it does
// not understand ends the current literal, and syntax it cannot skip safely gives no literal at all.

/** Index just past a `[...]` class starting at `i`, or -1. */
function skipClass(src: string, i: number): number {
  let j = i + 1
  if (src[j] === '^') j++
  if (src[j] === ']') j++
  for (; j < src.length; j++) {
    if (src[j] === '\\') j++
    else if (src[j] === ']') return j + 1
  }
  return -1
}

/** Index of the `)` closing the group opened at `i`, or -1. */
function closeParen(src: string, i: number): number {
  let depth = 0
  for (let j = i; j < src.length; j++) {
    const c = src[j]
    if (c === '\\') j++
    else if (c === '[') {
      const k = skipClass(src, j)
      if (k === -1) return -1
      j = k - 1
    } else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return j
  }
  return -1
}

/** Splits on `|` outside groups and classes. */
function splitTop(src: string): string[] {
  const out: string[] = []
  let from = 0
  for (let j = 0; j < src.length; j++) {
    const c = src[j]
    if (c === '\\') j++
    else if (c === '[') j = Math.max(j, skipClass(src, j) - 1)
    else if (c === '(') j = Math.max(j, closeParen(src, j))
    else if (c === '|') {
      out.push(src.slice(from, j))
      from = j + 1
    }
  }
  out.push(src.slice(from))
  return out
}

/** Length of the escape at `i` (a backslash) when it stands for no literal, or 0 for `\<punct>`. */
function escapeLength(src: string, i: number): number {
  const d = src[i + 1] ?? ''
  if (!/[A-Za-z0-9]/.test(d)) return 0
  if ('dDwWsSbBtnrfv0'.includes(d)) return 2
  if (d === 'x') return 4
  if (d === 'c') return 3
  const upTo = (ch: string) => {
    const k = src.indexOf(ch, i)
    return k === -1 ? -1 : k + 1 - i
  }
  if (d === 'u') return src[i + 2] === '{' ? upTo('}') : 6
  if (d === 'p' || d === 'P') return upTo('}')
  if (d === 'k') return upTo('>')
  const digits = /^\d+/.exec(src.slice(i + 1))
  return digits ? 1 + digits[0].length : -1
}

/** The text of a pure literal (plain characters and `\<punct>`), or null. */
function pureLiteral(src: string): string | null {
  let out = ''
  for (let j = 0; j < src.length; j++) {
    const c = src[j]!
    if (c === '\\') {
      if (escapeLength(src, j) !== 0) return null
      out += src[++j] ?? ''
    } else if ('^$.|?*+()[]{}'.includes(c)) return null
    else out += c
  }
  return out
}

/** Index after a quantifier at `i` (and its lazy `?`), with whether it allows zero repeats. */
function quantifier(src: string, i: number): { end: number; optional: boolean; repeat: boolean } {
  const c = src[i]
  let end = i
  let optional = false
  if (c === '?' || c === '*') {
    end = i + 1
    optional = true
  } else if (c === '+') end = i + 1
  else if (c === '{') {
    const m = /^\{(\d+)(,\d*)?\}/.exec(src.slice(i))
    if (m) {
      end = i + m[0].length
      optional = m[1] === '0'
    }
  }
  if (end > i && src[end] === '?') end++
  return { end, optional, repeat: end > i }
}

/**
 * Required literals as groups of alternatives: every match contains, for each group, at least one of
 * its strings. [] when nothing is known for sure (top-level `|`, unfamiliar escapes).
 */
export function regexLiterals(src: string): string[][] {
  if (splitTop(src).length > 1) return []
  const groups: string[][] = []
  // The literal being read, as alternatives: `\.(?:aspx|ashx)` → ['.aspx', '.ashx'].
  let run: string[] = ['']
  const flush = () => {
    if (run.every((r) => r !== '')) groups.push(run)
    run = ['']
  }
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    let alts: string[] | null = null
    let next = i + 1
    if (c === '\\') {
      const len = escapeLength(src, i)
      if (len < 0 || i + 1 >= src.length) return []
      if (len === 0) alts = [src[i + 1]!]
      next = i + Math.max(len, 2)
    } else if (c === '[') {
      next = skipClass(src, i)
      if (next === -1) return []
    } else if (c === '(') {
      const close = closeParen(src, i)
      if (close === -1) return []
      next = close + 1
      let inner: string | null = src.slice(i + 1, close)
      if (inner.startsWith('?:')) inner = inner.slice(2)
      else if (/^\?<[A-Za-z_$][\w$]*>/.test(inner)) inner = inner.slice(inner.indexOf('>') + 1)
      else if (inner.startsWith('?')) inner = null // lookaround: matches no text
      const pieces = inner === null ? [] : splitTop(inner).map(pureLiteral)
      if (pieces.length > 0 && pieces.every((p): p is string => p !== null && p !== '')) {
        alts = pieces
      }
    } else if (!'^$.|?*+{}'.includes(c)) alts = [c]
    const q = quantifier(src, next)
    if (alts === null || q.optional) flush()
    else {
      if (run.length * alts.length > 64) flush()
      const prev = run
      run = prev.flatMap((r) => alts.map((a) => r + a))
      if (q.repeat) flush()
    }
    i = q.end
  }
  flush()
  return groups
}
