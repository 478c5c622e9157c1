// Prefilter needles: lowercase literals such that any raw line a rule can match contains at least one.
// The scanner only parses lines holding a needle (sources/logs/needles.ts: case-insensitive, ASCII
// folding only), so a wrong needle silently loses detections: when in doubt, give none.
import type { Condition } from '../../shared/native-rule.ts'
import { NON_RAW_VIEWS } from './field-reader.ts'
import { regexLiterals } from './regex-literals.ts'

// A field's value is a substring of its raw line, except where the writer escaped it: Exchange CSV
// doubles '"' (LogRowFormatter), IIS writes a space as '+', and URLs may carry %xx for any character.
// Non-ASCII characters are cut too: the scanner folds case for ASCII only.
const UNSAFE = /["+%]|[^\x21-\x7e]/

/** Longest piece of the literal made of safe characters, lowercased; '' when none. */
export function safeLiteral(literal: string): string {
  let best = ''
  for (const piece of literal.split(new RegExp(UNSAFE.source, 'g'))) {
    if (piece.length > best.length) best = piece
  }
  return best.toLowerCase()
}

/** Literals that must all appear in a line (lowercase). */
export type Conjunction = readonly string[]

// Products of alternatives past this size keep the better side instead (prefilter size stays small).
const MAX_ALTERNATIVES = 256

const isDecoded = (l: string) => l.startsWith(DECODED)

function simplify(conj: readonly string[]): string[] {
  const masks = [...new Set(conj.filter(isMask))]
  const uniq = [...new Set(conj.filter((l) => !isMask(l)))].sort((a, b) => b.length - a.length)
  // A literal inside a longer one of the same kind (plain or decoded) adds nothing.
  // A plain literal holds in the decoded line too (it has no '%' or '+'), so it covers a decoded one.
  const kept = uniq.filter(
    (l, i) =>
      !uniq.some(
        (o, j) =>
          (j < i && isDecoded(o) === isDecoded(l) && o.includes(l)) ||
          (isDecoded(l) && !isDecoded(o) && o.includes(l.slice(1))),
      ),
  )
  return [...kept, ...masks]
}

/** Guess of how selective a prefilter is: its weakest alternative's longest literal, plus extras. */
function score(dnf: readonly Conjunction[]): number {
  let min = Number.POSITIVE_INFINITY
  for (const c of dnf) {
    // Only a plain literal can anchor the scanner's search.
    const lits = c.filter((l) => !isMask(l))
    const longest = Math.max(0, ...lits.filter((l) => !isDecoded(l)).map((l) => l.length))
    min = Math.min(min, longest + 2 * (lits.length - 1))
  }
  return min
}

function and(a: Tagged[], b: Tagged[]): Tagged[] {
  if (a.length * b.length > MAX_ALTERNATIVES) {
    return score(a.map((x) => x.lits)) >= score(b.map((x) => x.lits)) ? a : b
  }
  return a.flatMap((x) =>
    b.map((y) => {
      const fields = new Set([...x.fields, ...y.fields])
      let lits = [...x.lits, ...y.lits]
      // Masks are sound only while every literal comes from the masked field.
      if (fields.size > 1) lits = lits.filter((l) => !isMask(l))
      return { lits: simplify(lits), fields }
    }),
  )
}

/**
 * Marks a mask: a field value the rule excludes (`none: {field, in: [...]}`). The scanner does not
 * count an anchor occurrence inside a whole field (separators on both sides) equal to a mask: the
 * conjunction's literals all come from that same field, and in a line the rule can match that field
 * is not an excluded value. sources/logs/needles.ts MASK is the same mark.
 */
export const MASK = '\u0001'

const isMask = (l: string) => l.startsWith(MASK)

/**
 * Marks a literal that ends its field's value (`endswith`, or a regex ending in it and `$`): in the
 * raw line a separator, a closing quote or the line's end follows it, which the scanner checks where
 * the literal anchors its search ('.js' then skips every 'autodiscover.json').
 * sources/logs/needles.ts FIELD_END is the same mark.
 */
export const FIELD_END = '\u0002'

/** The literal text a regex source ends with just before a final `$` ('' when none). */
function trailingLiteral(src: string): string {
  // Tokens: an escape (with its digits for \x, \u, \c) or one character.
  const tokens: string[] = []
  for (let i = 0; i < src.length; ) {
    let len = 1
    if (src[i] === '\\') {
      const e = src[i + 1]
      len = e === 'x' ? 4 : e === 'u' ? (src[i + 2] === '{' ? src.indexOf('}', i) - i + 1 : 6) : 2
      if (e === 'c') len = 3
      if (len < 2) return ''
    }
    tokens.push(src.slice(i, i + len))
    i += len
  }
  if (tokens.pop() !== '$') return ''
  let out = ''
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k]!
    if (t.length === 1 && /[A-Za-z0-9_\-/~,:@=!#%&'<>"]/.test(t)) out = t + out
    else if (t.length === 2 && t[0] === '\\' && /[.*+?^${}()|[\]\\/-]/.test(t[1]!)) out = t[1] + out
    else break
  }
  return out.toLowerCase()
}

/** Is the literal at the very end of every match (the regex ends with it, then `$`)? */
function endsRegex(src: string, literal: string): boolean {
  return literal !== '' && trailingLiteral(src).endsWith(literal)
}

/** A conjunction while it is derived, with the fields its literals come from. */
interface Tagged {
  lits: string[]
  fields: ReadonlySet<string>
}

// A mask value must be findable in the raw line as the whole field: no escaped or separator bytes.
const MASKABLE = /^[\x21-\x7e]+$/

/** Masks from a group's `none` leaves (`in`/`equals`, case-insensitive, on a raw view), per field. */
function noneMasks(c: Extract<Condition, { kind: 'group' }>): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const n of c.none ?? []) {
    if (n.kind !== 'string' || (n.op !== 'in' && n.op !== 'equals')) continue
    if (n.caseSensitive || n.decodeUrl || NON_RAW_VIEWS.has(n.field)) continue
    const vals = n.values.map((v) => v.toLowerCase())
    if (!vals.every((v) => MASKABLE.test(v) && !/[",+%]/.test(v))) continue
    out.set(n.field, [...(out.get(n.field) ?? []), ...vals.map((v) => MASK + v)])
  }
  return out
}

/**
 * Marks a literal searched in the URL-decoded line (`%xx` and `+` decoded), the scanner's convention
 * (sources/logs/needles.ts DECODED; detect/ may not import sources/).
 */
export const DECODED = '\0'

// Decoded literals: the scanner decodes the line itself, so only CSV's doubled quote and non-ASCII
// (decoded as bytes there, as characters in the rule) still break a literal.
const UNSAFE_DECODED = /["]|[^\x20-\x7e]/

function decodedLiteral(literal: string): string {
  let best = ''
  for (const piece of literal.split(new RegExp(UNSAFE_DECODED.source, 'g'))) {
    if (piece.length > best.length) best = piece
  }
  return best === '' ? '' : DECODED + best.toLowerCase()
}

/** One literal per alternative, or null when some alternative has none. */
function literalsOf(literals: readonly string[], decode: boolean): string[] | null {
  const out: string[] = []
  for (const l of literals) {
    const s = decode ? decodedLiteral(l) : safeLiteral(l)
    if (s === '') return null
    out.push(s)
  }
  return out
}

// The query view drops the '?' HttpProxy logs in front of UrlQuery (record.ts), and an IIS column
// follows a space: a query that equals or starts with a value has '?value' or ' value' in the line.
// That keeps a short value ('proxy', Tunna's poll) from matching every HttpProxy line (',Proxy,').
const QUERY_OPS = new Set(['equals', 'in', 'startswith', 'startswith-any'])

function leafPrefilter(c: Extract<Condition, { kind: 'string' }>): Tagged[] | null {
  const out = leafLiterals(c)
  const fields = new Set([c.field])
  return out === null ? null : out.map((lits) => ({ lits, fields }))
}

function leafLiterals(c: Extract<Condition, { kind: 'string' }>): string[][] | null {
  if (NON_RAW_VIEWS.has(c.field)) return null
  const decode = c.decodeUrl === true
  if (c.op === 'regex' || c.op === 'contains-all' || c.op === 'wildcard') {
    const groups =
      c.op === 'regex'
        ? regexLiterals(c.values[0]!)
        : c.op === 'wildcard'
          ? c.values[0]!.split(/[*?]/).map((p) => [p])
          : c.values.map((v) => [v])
    let out: Tagged[] | null = null
    const fields = new Set([c.field])
    for (const [gi, g] of groups.entries()) {
      let alts = literalsOf(g, decode)
      if (alts === null) continue
      const last = c.op === 'regex' && !decode && gi === groups.length - 1 && g.length === 1
      if (last && alts[0] === g[0]!.toLowerCase() && endsRegex(c.values[0]!, g[0]!.toLowerCase())) {
        alts = [FIELD_END + alts[0]]
      }
      const dnf = alts.map((l) => ({ lits: [l], fields }))
      out = out === null ? dnf : and(out, dnf)
    }
    return out?.map((t) => t.lits) ?? null
  }
  const alts = literalsOf(c.values, decode)
  if (alts === null) return null
  if ((c.op === 'endswith' || c.op === 'endswith-any') && !decode) {
    if (alts.every((a, i) => a === c.values[i]!.toLowerCase()))
      return alts.map((a) => [FIELD_END + a])
  }
  if (c.field === 'query' && !decode && QUERY_OPS.has(c.op)) {
    const bounded = c.values.flatMap((v) => {
      const s = safeLiteral(v)
      return s === v.toLowerCase() ? [`?${s}`, ` ${s}`] : []
    })
    if (bounded.length === 2 * c.values.length) return bounded.map((l) => [l])
  }
  return alts.map((l) => [l])
}

/**
 * The prefilter of a condition as alternatives of conjunctions: a line it can match holds every literal
 * of at least one conjunction. null when a matching line need not hold any literal we know.
 */
export function conditionPrefilter(c: Condition): Conjunction[] | null {
  return tagged(c)?.map((t) => t.lits) ?? null
}

function tagged(c: Condition): Tagged[] | null {
  if (c.kind === 'exists' || c.kind === 'range') return null
  if (c.kind === 'string') return leafPrefilter(c)
  const parts: Tagged[][] = []
  for (const child of c.all ?? []) {
    const p = tagged(child)
    if (p) parts.push(p)
  }
  if (c.any) {
    const union: Tagged[] = []
    for (const child of c.any) {
      const p = tagged(child)
      if (!p) {
        union.length = 0
        break
      }
      union.push(...p)
    }
    if (union.length > 0) parts.push(union)
  }
  if (parts.length === 0) return null
  // Smallest first, so the product grows from the most constraining parts.
  parts.sort((a, b) => a.length - b.length)
  const dnf = parts.reduce(and)
  const masks = noneMasks(c)
  if (masks.size === 0) return dnf
  return dnf.map((t) => {
    const [field] = t.fields
    const m = t.fields.size === 1 && field !== undefined ? masks.get(field) : undefined
    return m ? { lits: [...t.lits, ...m], fields: t.fields } : t
  })
}
