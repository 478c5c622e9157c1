// The YARA rules that can match a given set of files, so a hunt with a few web files compiles those
// rules only (yara-x takes ~1 s of one core for all ~840, most of it for rules whose strings occur in
// none of the files). Exact by construction: a rule is left out only when its condition is false
// whatever the file, given that strings whose every literal atom is absent from all the files cannot
// match. Everything this cannot read (xor/base64 strings, regexes with alternatives, conditions it
// does not parse) counts as "may match", so the rule stays. Rules a kept rule references stay too.
import { maskYara } from './split-externals.ts'

/** What a string needs: one of these byte sequences (ASCII case folded), or null: may match anything. */
type Needles = Uint8Array[] | null

interface RuleGate {
  name: string
  file: number
  text: string
  /** Strings by name ('' for anonymous ones), in declaration order. */
  strings: { name: string; needles: Needles }[]
  cond: Cond
  /** Names the condition reads (rules among them are needed with this one). */
  reads: Set<string>
}

/** A condition as far as this reads it: and/or/not over atoms; anything else is `unknown`. */
type Cond =
  | { k: 'and' | 'or'; xs: Cond[] }
  | { k: 'not'; x: Cond }
  | { k: 'str'; name: string }
  | { k: 'of'; need: number | 'all'; names: string[] | 'them' }
  | { k: 'rule'; name: string }
  | { k: 'const'; v: boolean }
  | { k: 'unknown' }

export interface RuleSet {
  headers: string[]
  rules: RuleGate[]
  /** Per rule, per string: its needles as `rulesFor` looks them up (null: may match anything). */
  prepared?: (PreparedNeedle[] | null)[][]
}

type PreparedNeedle =
  | { short: Buffer; hashes?: undefined }
  | { short?: undefined; hashes: Uint32Array }

const RULE_START = /^[ \t]*((?:(?:private|global)[ \t]+)*)rule[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm

/** The rules of these texts, or undefined when something (a global rule, an include) forbids a subset. */
export function parseRuleSet(sources: readonly string[]): RuleSet | undefined {
  const headers: string[] = []
  const rules: RuleGate[] = []
  for (const [file, text] of sources.entries()) {
    const masked = maskYara(text)
    if (/^[ \t]*include\b/m.test(masked)) return undefined
    const starts = [...masked.matchAll(RULE_START)]
    const headerEnd = starts[0]?.index ?? text.length
    // A rule this does not see (odd formatting) must not be dropped: before the first rule only
    // imports, between rules only blanks, or no subset at all.
    if (
      masked
        .slice(0, headerEnd)
        .replace(/^[ \t]*import[ \t]+"[^"\n]*"[ \t]*$/gm, '')
        .trim()
    )
      return undefined
    headers.push(text.slice(0, headerEnd))
    let last = headerEnd
    for (const m of starts) {
      if (masked.slice(last, m.index).trim()) return undefined
      if (/\bglobal\b/.test(m[1] ?? '')) return undefined
      const open = masked.indexOf('{', m.index)
      if (open < 0) return undefined
      let depth = 0
      let end = -1
      for (let k = open; k < masked.length; k++) {
        if (masked[k] === '{') depth++
        else if (masked[k] === '}' && --depth === 0) {
          end = k + 1
          break
        }
      }
      if (end < 0) return undefined
      last = end
      const rule = parseRule(
        m[2] as string,
        file,
        text.slice(m.index, end),
        masked.slice(m.index, end),
      )
      if (!rule) return undefined
      rules.push(rule)
    }
    if (masked.slice(last).trim()) return undefined
  }
  return { headers, rules }
}

function parseRule(name: string, file: number, text: string, masked: string): RuleGate | undefined {
  const condAt = masked.search(/\bcondition\s*:/)
  if (condAt < 0) return undefined
  const stringsAt = masked.search(/\bstrings\s*:/)
  const strings: RuleGate['strings'] = []
  if (stringsAt >= 0 && stringsAt < condAt) {
    const from = masked.indexOf(':', stringsAt) + 1
    const defs = [...masked.slice(from, condAt).matchAll(/\$([A-Za-z0-9_]*)\s*=\s*/g)]
    for (const [i, d] of defs.entries()) {
      const at = from + d.index + d[0].length
      const until = i + 1 < defs.length ? from + (defs[i + 1]?.index as number) : condAt
      strings.push({ name: d[1] as string, needles: stringNeedles(text, masked, at, until) })
    }
  }
  // The condition's text runs to the rule's closing brace.
  const condFrom = masked.indexOf(':', condAt) + 1
  const tokens = tokenize(masked.slice(condFrom, masked.lastIndexOf('}')))
  const reads = new Set(tokens.filter((t) => /^[A-Za-z_]/.test(t)))
  const p = { t: tokens, i: 0 }
  let cond = parseOr(p)
  // Something left over (a parse this does not follow): nothing is assumed.
  if (p.i !== tokens.length) cond = { k: 'unknown' }
  return { name, file, text, strings, cond, reads }
}

// ---------- strings → needles

/** One character's UTF-8 bytes. */
const utf8 = (c: string): number[] => {
  const code = c.charCodeAt(0)
  return code < 128 ? [code] : [...Buffer.from(c, 'utf8')]
}

/** A text string's bytes, or undefined for an escape this does not know. */
function textBytes(raw: string): number[] | undefined {
  // Most strings: no escape, plain ASCII.
  if (/^[\x20-\x5b\x5d-\x7e]*$/.test(raw)) {
    const out = new Array<number>(raw.length)
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
    return out
  }
  // Half of a surrogate pair cut by an escape is not worth the care: the string may match.
  if (/[\uD800-\uDFFF]/.test(raw)) return undefined
  const out: number[] = []
  let lit = ''
  const flush = () => {
    if (lit) out.push(...Buffer.from(lit, 'utf8'))
    lit = ''
  }
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string
    if (c !== '\\') {
      lit += c
      continue
    }
    flush()
    const n = raw[++i]
    if (n === '\\' || n === '"') out.push(n.charCodeAt(0))
    else if (n === 'n') out.push(10)
    else if (n === 't') out.push(9)
    else if (n === 'r') out.push(13)
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(raw.slice(i + 1, i + 3), 16))
      i += 2
    } else return undefined
  }
  flush()
  return out
}

/** The longest run of fixed bytes outside alternatives of a hex string, or undefined. */
function hexRun(body: string): number[] | undefined {
  const toks = body.match(/\[[^\]]*\]|[0-9A-Fa-f?]{2}|~[0-9A-Fa-f?]{2}|[()|]/g) ?? []
  // Anything left that is not whitespace or a comment-free token: not read.
  if (body.replace(/\[[^\]]*\]|~?[0-9A-Fa-f?]{2}|[()|\s]/g, '') !== '') return undefined
  let best: number[] = []
  let run: number[] = []
  let depth = 0
  for (const t of toks) {
    if (t === '(') depth++
    else if (t === ')') depth--
    if (depth === 0 && /^[0-9A-Fa-f]{2}$/.test(t)) {
      run.push(Number.parseInt(t, 16))
      if (run.length > best.length) best = [...run]
    } else run = []
  }
  return best.length ? best : undefined
}

/** The longest literal every match of a regex contains, or undefined (alternatives, or none). */
function regexRun(src: string): number[] | undefined {
  let best: number[] = []
  let run: number[] = []
  const cut = () => {
    if (run.length > best.length) best = run
    run = []
  }
  let depth = 0
  let i = 0
  // A quantifier after an atom: optional ones (`?`, `*`, `{0,…}`) remove it from the run.
  const quant = (): 'none' | 'optional' | 'repeat' => {
    const q = src[i]
    if (q === '?' || q === '*') {
      i++
      if (src[i] === '?' || src[i] === '+') i++
      return 'optional'
    }
    if (q === '+') {
      i++
      if (src[i] === '?' || src[i] === '+') i++
      return 'repeat'
    }
    if (q === '{') {
      const m = /^\{(\d*)(,\d*)?\}/.exec(src.slice(i))
      if (!m) return 'none'
      i += m[0].length
      if (src[i] === '?' || src[i] === '+') i++
      return Number(m[1] || 0) === 0 ? 'optional' : 'repeat'
    }
    return 'none'
  }
  while (i < src.length) {
    const c = src[i] as string
    if (c === '\\') {
      const n = src[i + 1] ?? ''
      i += 2
      let byte: number[] | undefined
      if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i, i + 2))) {
        byte = [Number.parseInt(src.slice(i, i + 2), 16)]
        i += 2
      } else if (n === 'n') byte = [10]
      else if (n === 'r') byte = [13]
      else if (n === 't') byte = [9]
      else if (/^[^A-Za-z0-9]$/.test(n)) byte = utf8(n)
      const q = quant()
      if (depth > 0) continue
      if (!byte || q === 'optional') cut()
      else {
        run.push(...byte)
        if (q === 'repeat') cut()
      }
      continue
    }
    if (c === '[') {
      // A class: skip to its end (a `]` first in the class is literal).
      let k = i + 1
      if (src[k] === '^') k++
      if (src[k] === ']') k++
      while (k < src.length && src[k] !== ']') k += src[k] === '\\' ? 2 : 1
      i = k + 1
      quant()
      if (depth === 0) cut()
      continue
    }
    if (c === '(') {
      depth++
      i++
      if (depth === 1) cut()
      continue
    }
    if (c === ')') {
      depth--
      i++
      quant()
      continue
    }
    if (c === '|') {
      // An alternative anywhere: no literal is sure at this level (in a group, the group is skipped).
      if (depth === 0) return undefined
      i++
      continue
    }
    i++
    const q = quant()
    if (depth > 0) continue
    if (c === '.' || c === '^' || c === '$' || q === 'optional' || /[\uD800-\uDFFF]/.test(c)) cut()
    else {
      run.push(...utf8(c))
      if (q === 'repeat') cut()
    }
  }
  cut()
  return best.length ? best : undefined
}

function stringNeedles(text: string, masked: string, at: number, until: number): Needles {
  const first = text[at]
  let value: number[] | undefined
  let close: number
  if (first === '"') {
    close = masked.indexOf('"', at + 1)
    if (close < 0 || close >= until) return null
    value = textBytes(text.slice(at + 1, close))
  } else if (first === '{') {
    close = masked.indexOf('}', at)
    if (close < 0 || close >= until) return null
    // The masked form: comments inside a hex string are blanked there.
    value = hexRun(masked.slice(at + 1, close))
  } else if (first === '/') {
    close = masked.indexOf('/', at + 1)
    if (close < 0 || close >= until) return null
    value = regexRun(text.slice(at + 1, close))
  } else return null
  if (!value?.length) return null
  const mods = masked.slice(close + 1, until)
  // Transformed forms: their bytes are not the literal's.
  if (/\b(xor|base64|base64wide)\b/.test(mods)) return null
  const wide = /\bwide\b/.test(mods) && first !== '{'
  const ascii = !wide || /\bascii\b/.test(mods)
  const out: Uint8Array[] = []
  if (ascii) out.push(Uint8Array.from(value))
  if (wide) out.push(Uint8Array.from(value.flatMap((b) => [b, 0])))
  return out
}

// ---------- conditions

function tokenize(cond: string): string[] {
  return (
    cond.match(
      /"[^"\n]*"|\/[^/\n]*\/[a-z]*|[$#@!][A-Za-z0-9_]*\*?|[A-Za-z_][A-Za-z0-9_.]*|0x[0-9A-Fa-f]+|\d+(?:KB|MB)?|\.\.|==|!=|<=|>=|<<|>>|\S/g,
    ) ?? []
  )
}

interface P {
  t: string[]
  i: number
}

function parseOr(p: P): Cond {
  const xs = [parseAnd(p)]
  while (p.t[p.i] === 'or') {
    p.i++
    xs.push(parseAnd(p))
  }
  return xs.length === 1 ? (xs[0] as Cond) : { k: 'or', xs }
}

function parseAnd(p: P): Cond {
  const xs = [parseNot(p)]
  while (p.t[p.i] === 'and') {
    p.i++
    xs.push(parseNot(p))
  }
  return xs.length === 1 ? (xs[0] as Cond) : { k: 'and', xs }
}

function parseNot(p: P): Cond {
  if (p.t[p.i] === 'not') {
    p.i++
    return { k: 'not', x: parseNot(p) }
  }
  return parsePrimary(p)
}

/** Tokens up to the next `and`/`or`/unmatched `)` at this depth. */
function atomTokens(p: P): string[] {
  const from = p.i
  let depth = 0
  while (p.i < p.t.length) {
    const t = p.t[p.i] as string
    if (depth === 0 && (t === 'and' || t === 'or' || t === ')')) break
    if (t === '(' || t === '[') depth++
    else if (t === ')' || t === ']') depth--
    p.i++
  }
  return p.t.slice(from, p.i)
}

function parsePrimary(p: P): Cond {
  if (p.t[p.i] === '(') {
    const save = p.i
    p.i++
    const inner = parseOr(p)
    if (p.t[p.i] === ')') {
      p.i++
      const next = p.t[p.i]
      if (next === undefined || next === 'and' || next === 'or' || next === ')') return inner
    }
    // Arithmetic or a comparison around the parentheses: one opaque atom.
    p.i = save
    atomTokens(p)
    return { k: 'unknown' }
  }
  return atom(atomTokens(p))
}

const NUM = /^\d+$/

function atom(ts: string[]): Cond {
  const [a, b, c] = ts
  if (ts.length === 0) return { k: 'unknown' }
  if (ts.length === 1 && a === 'true') return { k: 'const', v: true }
  if (ts.length === 1 && a === 'false') return { k: 'const', v: false }
  if (ts.length === 1 && a && /^[A-Za-z_][A-Za-z0-9_]*$/.test(a)) return { k: 'rule', name: a }
  // `$a`, `$a at …`, `$a in (…)`: true only where $a matches.
  if (a && /^\$[A-Za-z0-9_]+$/.test(a) && (ts.length === 1 || b === 'at' || b === 'in'))
    return { k: 'str', name: a.slice(1) }
  // `#a > n` (n ≥ 0), `#a >= n` / `#a == n` (n ≥ 1): at least one match of $a.
  if (ts.length === 3 && a && /^#[A-Za-z0-9_]+$/.test(a) && c && NUM.test(c)) {
    const n = Number(c)
    if ((b === '>' && n >= 0) || ((b === '>=' || b === '==') && n >= 1))
      return { k: 'str', name: a.slice(1) }
  }
  // `any|all|N of them|($a, $b*)`, optionally `in (…)` / `at …` after it.
  if (b === 'of' && a && (a === 'any' || a === 'all' || NUM.test(a))) {
    const need = a === 'any' ? 1 : a === 'all' ? 'all' : Number(a)
    if (need === 0) return { k: 'unknown' }
    let k = 2
    let names: string[] | 'them'
    if (ts[k] === 'them') {
      names = 'them'
      k++
    } else if (ts[k] === '(') {
      names = []
      k++
      for (;;) {
        const s = ts[k]
        if (!s || !/^\$[A-Za-z0-9_]*\*?$/.test(s)) return { k: 'unknown' }
        names.push(s.slice(1))
        k++
        if (ts[k] === ',') k++
        else if (ts[k] === ')') {
          k++
          break
        } else return { k: 'unknown' }
      }
    } else return { k: 'unknown' }
    if (k === ts.length || ts[k] === 'in' || ts[k] === 'at') return { k: 'of', need, names }
  }
  return { k: 'unknown' }
}

// ---------- evaluation: false, or maybe (true counts as maybe: only "false" drops a rule)

type V = 0 | 1 | 2 // 0 false, 1 unknown, 2 true

function evaluate(
  rule: RuleGate,
  present: (rule: RuleGate, name: string) => boolean,
  ruleValue: (name: string) => V,
): V {
  const namesOf = (pattern: string): string[] =>
    rule.strings
      .map((s) => s.name)
      .filter((n) => (pattern.endsWith('*') ? n.startsWith(pattern.slice(0, -1)) : n === pattern))
  const ev = (c: Cond): V => {
    switch (c.k) {
      case 'const':
        return c.v ? 2 : 0
      case 'unknown':
        return 1
      case 'not': {
        const v = ev(c.x)
        return v === 1 ? 1 : v === 2 ? 0 : 2
      }
      case 'and': {
        let out: V = 2
        for (const x of c.xs) {
          const v = ev(x)
          if (v === 0) return 0
          if (v === 1) out = 1
        }
        return out
      }
      case 'or': {
        let out: V = 0
        for (const x of c.xs) {
          const v = ev(x)
          if (v === 2) return 2
          if (v === 1) out = 1
        }
        return out
      }
      case 'str':
        // A name this rule does not declare (a for-loop's `$`): nothing known.
        if (!rule.strings.some((s) => s.name === c.name)) return 1
        return present(rule, c.name) ? 1 : 0
      case 'of': {
        const names =
          c.names === 'them' ? rule.strings.map((s) => s.name) : c.names.flatMap(namesOf)
        if (names.length === 0) return 1
        const maybe = names.filter((n) => present(rule, n)).length
        const need = c.need === 'all' ? names.length : c.need
        return maybe < need ? 0 : 1
      }
      case 'rule':
        return ruleValue(c.name)
    }
  }
  return ev(rule.cond)
}

const fold = (b: number) => (b >= 65 && b <= 90 ? b + 32 : b)

/** Bits of a 4-byte window (ASCII letters folded), hashed into GRAM_BITS bits. */
const GRAM_BITS = 24
const gramHash = (a: number, b: number, c: number, d: number) =>
  Math.imul(a | (b << 8) | (c << 16) | (d << 24), 0x9e3779b1) >>> (32 - GRAM_BITS)

/**
 * Which needles may occur in the buffers: every 4-byte window of a needle must be among the buffers'
 * windows (a bitmap of their hashes, so a collision only keeps more); a shorter needle is looked up.
 */
function needlesPresent(set: RuleSet, buffers: readonly Uint8Array[]): Uint8Array[] {
  // Each needle folded once per rule set: its windows' hashes, or itself when shorter than 4 bytes.
  set.prepared ??= set.rules.map((r) =>
    r.strings.map((s) =>
      s.needles === null
        ? null
        : s.needles.map((needle) => {
            const n = Uint8Array.from(needle, fold)
            if (n.length < 4) return { short: Buffer.from(n) }
            const hashes = new Uint32Array(n.length - 3)
            for (let i = 0; i + 3 < n.length; i++)
              hashes[i] = gramHash(
                n[i] as number,
                n[i + 1] as number,
                n[i + 2] as number,
                n[i + 3] as number,
              )
            return { hashes }
          }),
    ),
  )
  const grams = new Uint8Array(1 << (GRAM_BITS - 3))
  const folded = buffers.map((buf) => {
    const f = Buffer.allocUnsafe(buf.length)
    for (let i = 0; i < buf.length; i++) f[i] = fold(buf[i] as number)
    for (let i = 0; i + 3 < f.length; i++) {
      const h = gramHash(f[i] as number, f[i + 1] as number, f[i + 2] as number, f[i + 3] as number)
      grams[h >>> 3] = (grams[h >>> 3] as number) | (1 << (h & 7))
    }
    return f
  })
  const has = (n: PreparedNeedle): boolean => {
    if (n.short) {
      const short = n.short
      return folded.some((f) => f.indexOf(short) >= 0)
    }
    for (const h of n.hashes) if ((((grams[h >>> 3] as number) >> (h & 7)) & 1) === 0) return false
    return true
  }
  return set.prepared.map((strings) => {
    const found = new Uint8Array(strings.length)
    strings.forEach((needles, si) => {
      found[si] = needles === null || needles.some(has) ? 1 : 0
    })
    return found
  })
}

/**
 * The names of the rules that may match any of `buffers` (with every rule they reference). A string
 * counts as present when one of its atoms may occur in some buffer, ASCII case folded (more than YARA
 * would find, never less).
 */
export function rulesFor(set: RuleSet, buffers: readonly Uint8Array[]): Set<string> {
  const found = needlesPresent(set, buffers)
  const index = new Map(set.rules.map((r, i) => [r.name, i]))
  const present = (rule: RuleGate, name: string) => {
    const ri = index.get(rule.name) as number
    return rule.strings.some((s, si) => s.name === name && (found[ri] as Uint8Array)[si] === 1)
  }
  const values = new Map<string, V>()
  const ruleValue = (name: string): V => {
    const i = index.get(name)
    if (i === undefined) return 1
    let v = values.get(name)
    if (v === undefined) {
      // Rules reference only rules declared before them, so this recursion ends.
      values.set(name, 1)
      v = evaluate(set.rules[i] as RuleGate, present, ruleValue)
      values.set(name, v)
    }
    return v
  }
  const keep = new Set<string>()
  const stack: string[] = []
  for (const r of set.rules) {
    if (ruleValue(r.name) !== 0) {
      keep.add(r.name)
      stack.push(r.name)
    }
  }
  while (stack.length) {
    const r = set.rules[index.get(stack.pop() as string) as number] as RuleGate
    for (const w of r.reads) {
      if (index.has(w) && !keep.has(w)) {
        keep.add(w)
        stack.push(w)
      }
    }
  }
  return keep
}

/** The source texts holding only `keep` (each file's header, then its kept rules in order). */
export function subsetSources(set: RuleSet, keep: ReadonlySet<string>): string[] {
  const out: string[] = []
  set.headers.forEach((h, file) => {
    const kept = set.rules.filter((r) => r.file === file && keep.has(r.name))
    if (kept.length) out.push(h + kept.map((r) => r.text).join('\n\n'))
  })
  return out
}
