// Context filters for vendored YARA rules that misfire on ordinary ASP.NET: when every match of the named
// strings lies inside a benign construct (e.g. data binding `<%# Eval("x") %>` counted as eval()) or outside
// every server code block of a page (client-side JavaScript's `eval(`, `value.replace(/_/g, '-')`), the hit
// is lowered to the filter's level and says why. Rules stay byte-for-byte; the filter is our content.
import type { Proof, Severity } from '../../shared/types.ts'
import type { WebHit } from '../webfile/hit.ts'

export interface YaraContextFilter {
  id: string
  /** Rule identifiers the filter applies to. */
  rules: Set<string>
  /** String identifiers (with `$`) whose matches are checked; from globs like `$asp_payload*`. */
  strings: RegExp
  /** Spans of benign context in the scanned bytes (read as Latin-1 so offsets are byte offsets). */
  inside?: RegExp
  /** Spans a checked match must not touch (server code blocks); at least one of `inside`/`outside`. */
  outside?: RegExp
  /** Lowercased extensions the filter applies to (e.g. markup pages, where code needs a block); all when absent. */
  extensions?: Set<string>
  level: Severity
  /** What the lowered hit still proves (default `context`: the filter names a known misfire). */
  proves: Proof
  reason: string
}

export interface FilterableMatch {
  identifier: string
  offset: number
  length: number
}

/**
 * `$asp_payload*` → /^\$asp_payload.*$/ ; only `*` is special, as in YARA string sets. A RegExp and not
 * detect/native's compileWildcard closure: filters travel to the web-file workers by structured clone.
 */
export function identifierGlob(globs: readonly string[]): RegExp {
  const alts = globs.map((g) =>
    g
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*'),
  )
  return new RegExp(`^(?:${alts.join('|')})$`)
}

function spans(re: RegExp, text: string): [number, number][] {
  const out: [number, number][] = []
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)
  for (let m = g.exec(text); m; m = g.exec(text)) {
    out.push([m.index, m.index + m[0].length])
    if (m[0].length === 0) g.lastIndex++
  }
  return out
}

/**
 * True when the filter's strings matched at least once and every such match sits inside a benign span and
 * overlaps no excluded span. A rule that matched none of the filter's strings is left alone: its evidence is
 * something else. `ext` is the scanned file's lowercased extension.
 */
export function onlyInBenignContext(
  f: YaraContextFilter,
  matches: readonly FilterableMatch[],
  scanned: Uint8Array,
  ext?: string,
): boolean {
  if (f.extensions && !(ext !== undefined && f.extensions.has(ext))) return false
  const checked = matches.filter((m) => f.strings.test(m.identifier))
  if (checked.length === 0) return false
  const text = Buffer.from(scanned.buffer, scanned.byteOffset, scanned.byteLength).toString(
    'latin1',
  )
  const ok = f.inside ? spans(f.inside, text) : undefined
  const bad = f.outside ? spans(f.outside, text) : []
  return checked.every(
    (m) =>
      (!ok || ok.some(([s, e]) => m.offset >= s && m.offset + m.length <= e)) &&
      !bad.some(([s, e]) => m.offset < e && m.offset + m.length > s),
  )
}

/** Lowers `hit` (in place) when a filter for its rule finds all the checked evidence benign. */
export function applyContextFilters(
  filters: readonly YaraContextFilter[],
  rule: string,
  matches: readonly FilterableMatch[],
  scanned: Uint8Array,
  hit: WebHit,
  ext?: string,
): void {
  for (const f of filters) {
    if (!f.rules.has(rule) || !onlyInBenignContext(f, matches, scanned, ext)) continue
    hit.severity = f.level
    hit.proves = f.proves
    hit.reasons.push(`${f.reason} [context filter ${f.id}]`)
    return
  }
}
