// Evaluates our web-file heuristics (content/rules/webfile/*.yml, compiled by content/webfile) on one file.
import type { Proof, RuleSource, Severity } from '../../shared/types.ts'
import type { WebFileInfo, WebFileInput, WebHit } from './hit.ts'
import {
  type LiteralIndex,
  literalIndex,
  literalsIn,
  mayMatch,
  type RegexPrefilter,
} from './regex-prefilter.ts'

export type HeuristicCondition =
  | { all: HeuristicCondition[] }
  | { any: HeuristicCondition[] }
  | { none: HeuristicCondition[] }
  | { atLeast: number; of: HeuristicCondition[] } // capability counting: n of these distinct traits
  | { regex: RegExp; pre?: RegexPrefilter }
  | { contains: string[] } // lowercased; any of them
  | { head: Uint8Array[] } // raw bytes at offset 0; any of them
  | { path: RegExp } // against the forward-slashed windows path, else the display path
  | { name: RegExp }
  | { ext: Set<string> }
  | { maxSize: number }
  | { minSize: number }
  | { oversized: boolean } // the file is over the hunt's size limit (only its first bytes were read)

export interface CompiledHeuristic {
  id: string
  title: string
  level: Severity
  /** What a hit proves on its own (content `proves:`). */
  proves: Proof
  match: HeuristicCondition
  reasons: string[]
  source: RuleSource
  cves: string[]
  attack: string[]
  /** Cheap prefilter: extensions this heuristic can fire on (undefined = any). */
  extensions?: Set<string>
}

export interface CompiledHeuristics {
  rules: CompiledHeuristic[]
}

export type HeuristicInput = WebFileInput

interface EvalState {
  excerpt?: string
  /** Prefilter needle answers for this file, shared by every rule. */
  memo: Map<string, boolean>
}

function startsWith(bytes: Uint8Array, magic: Uint8Array): boolean {
  if (bytes.length < magic.length) return false
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false
  return true
}

function evaluate(c: HeuristicCondition, input: HeuristicInput, st: EvalState): boolean {
  if ('all' in c) return c.all.every((x) => evaluate(x, input, st))
  if ('any' in c) return c.any.some((x) => evaluate(x, input, st))
  if ('none' in c) return !c.none.some((x) => evaluate(x, input, { memo: st.memo }))
  if ('atLeast' in c) {
    let n = 0
    for (const x of c.of) if (evaluate(x, input, st) && ++n >= c.atLeast) return true
    return false
  }
  if ('regex' in c) {
    if (c.pre && !mayMatch(c.pre, input.text, input.lower, st.memo)) return false
    c.regex.lastIndex = 0
    const m = c.regex.exec(input.text)
    if (m && st.excerpt === undefined) st.excerpt = m[0].slice(0, 300)
    return m !== null
  }
  if ('contains' in c) return c.contains.some((s) => input.lower.includes(s))
  if ('head' in c) return c.head.some((m) => startsWith(input.bytes, m))
  if ('path' in c) {
    const p = (input.file.windowsPath ?? input.file.path).replace(/\\/g, '/')
    return c.path.test(p)
  }
  if ('name' in c) return c.name.test(input.file.name)
  if ('ext' in c) return c.ext.has(input.file.ext)
  if ('maxSize' in c) return input.file.size <= c.maxSize
  if ('oversized' in c) return (input.file.oversized === true) === c.oversized
  return input.file.size >= c.minSize
}

function collectPrefilters(c: HeuristicCondition, out: RegexPrefilter[]): void {
  if ('regex' in c && c.pre) out.push(c.pre)
  for (const key of ['all', 'any', 'none', 'of']) {
    const kids = (c as Record<string, unknown>)[key]
    if (Array.isArray(kids)) for (const k of kids) collectPrefilters(k, out)
  }
}

// One index per rule list (per thread: a worker gets its own copy of the rules).
const indexes = new WeakMap<readonly CompiledHeuristic[], LiteralIndex>()

function indexFor(rules: readonly CompiledHeuristic[]): LiteralIndex {
  let ix = indexes.get(rules)
  if (!ix) {
    const pre: RegexPrefilter[] = []
    for (const r of rules) collectPrefilters(r.match, pre)
    ix = literalIndex(pre)
    indexes.set(rules, ix)
  }
  return ix
}

function pathLeaves(c: HeuristicCondition, file: WebFileInfo, fwd: string, out: string[]): void {
  if ('path' in c) out.push(c.path.test(fwd) ? '1' : '0')
  else if ('name' in c) out.push(c.name.test(file.name) ? '1' : '0')
  else if ('ext' in c) out.push(c.ext.has(file.ext) ? '1' : '0')
  else {
    const kids =
      'all' in c ? c.all : 'any' in c ? c.any : 'none' in c ? c.none : 'of' in c ? c.of : undefined
    if (kids) for (const k of kids) pathLeaves(k, file, fwd, out)
  }
}

/**
 * What the heuristics can see of a file's place: every path, name and extension test of every rule,
 * answered for this file. Two files with the same bytes and the same key get the same hits, so a scan
 * keeps one result per content and key instead of evaluating every copy (sizes are the bytes' own).
 */
export function heuristicPathKey(h: CompiledHeuristics, file: WebFileInfo): string {
  const out: string[] = []
  // As `evaluate` reads it: the forward-slashed windows path, else the display path.
  const fwd = (file.windowsPath ?? file.path).replace(/\\/g, '/')
  for (const r of h.rules) {
    if (r.extensions && !r.extensions.has(file.ext)) {
      out.push('-')
      continue
    }
    pathLeaves(r.match, file, fwd, out)
    out.push('|')
  }
  return out.join('')
}

/** Every heuristic that fires on the file, as hits. */
export function heuristicHits(h: CompiledHeuristics, input: HeuristicInput): WebHit[] {
  const out: WebHit[] = []
  const memo = new Map<string, boolean>()
  // Every regex literal in one pass over the bytes instead of one `includes` per literal.
  if (input.utf8) literalsIn(indexFor(h.rules), input.bytes, memo)
  for (const r of h.rules) {
    if (r.extensions && !r.extensions.has(input.file.ext)) continue
    const st: EvalState = { memo }
    if (!evaluate(r.match, input, st)) continue
    const hit: WebHit = {
      rule: r.id,
      title: r.title,
      severity: r.level,
      proves: r.proves,
      source: r.source,
      reasons: r.reasons.map((x) => `${x} [heuristic ${r.id}]`),
      cves: r.cves,
      attack: r.attack,
    }
    if (st.excerpt !== undefined) hit.excerpt = st.excerpt
    out.push(hit)
  }
  return out
}
