// Prefilter needles: lowercase literals such that any raw line a rule can match contains at least one.
// The scanner only parses lines holding a needle (sources/logs/needles.ts: case-insensitive, ASCII
// folding only), so a wrong needle silently loses detections: when in doubt, give none.
import type { Condition } from '../../content/rules/rule-types.ts'
import { NON_RAW_VIEWS } from './field-reader.ts'

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

function fromLiterals(literals: readonly string[]): string[] | null {
  const out: string[] = []
  for (const l of literals) {
    const s = safeLiteral(l)
    if (s === '') return null
    out.push(s)
  }
  return out
}

/** The better prefilter: the one whose shortest needle is longest, then the one with fewer needles. */
function better(a: string[], b: string[]): string[] {
  const minA = Math.min(...a.map((n) => n.length))
  const minB = Math.min(...b.map((n) => n.length))
  if (minA !== minB) return minA > minB ? a : b
  return a.length <= b.length ? a : b
}

/** Needles for one condition, or null when a matching line need not contain any literal we know. */
export function conditionNeedles(c: Condition): string[] | null {
  if (c.kind === 'exists' || c.kind === 'range') return null
  if (c.kind === 'string') {
    if (c.decodeUrl || c.op === 'regex' || NON_RAW_VIEWS.has(c.field)) return null
    switch (c.op) {
      case 'contains-all': {
        const each = c.values.map((v) => fromLiterals([v])).filter((n): n is string[] => n !== null)
        return each.length === 0 ? null : each.reduce(better)
      }
      case 'wildcard': {
        const parts = c.values[0]!.split(/[*?]/)
        const each = parts.map((p) => fromLiterals([p])).filter((n): n is string[] => n !== null)
        return each.length === 0 ? null : each.reduce(better)
      }
      default:
        return fromLiterals(c.values)
    }
  }
  // A group holds when every part holds: any one part's needles will do. `none`/`not` give none.
  const candidates: string[][] = []
  for (const child of c.all ?? []) {
    const n = conditionNeedles(child)
    if (n) candidates.push(n)
  }
  if (c.any) {
    const union: string[] = []
    let ok = true
    for (const child of c.any) {
      const n = conditionNeedles(child)
      if (!n) {
        ok = false
        break
      }
      union.push(...n)
    }
    if (ok) candidates.push([...new Set(union)])
  }
  return candidates.length === 0 ? null : candidates.reduce(better)
}
