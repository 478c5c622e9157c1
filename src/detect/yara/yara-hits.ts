// YARA matches as web hits, carrying the author, upstream link and licence each vendored rule requires
// (DRL 1.1 §2: keep the author and a link to the rule and licence in any message a match produces).
import type { Proof, RuleSource, Severity } from '../../shared/types.ts'
import type { WebHit } from '../webfile/hit.ts'
import { applyContextFilters, type YaraContextFilter } from './context-filter.ts'

/** The parts of a yara-x RuleMatch we use (structural, so detect/ needs no native module). */
export interface YaraMatchLike {
  ruleIdentifier: string
  meta: object
  matches: { data: string; identifier: string; offset: number; length: number }[]
}

/** Context filters and the bytes each match was found in (the raw file, or its UTF-8 form). */
export interface YaraHitContext {
  filters: readonly YaraContextFilter[]
  scanned: (m: YaraMatchLike) => Uint8Array
  /** Lowercased extension of the scanned file, for filters limited to some file types. */
  ext?: string
}

export interface YaraRuleInfo {
  /** Content-relative rule file, e.g. `rules/vendor/yara/signature-base/gen_webshells.yar`. */
  file: string
  /** Link to the rule file upstream at the vendored commit (none for our own rules). */
  url?: string
  license: string
  /** Author when the rule's meta has none. */
  defaultAuthor?: string
  /** What a match proves (vendored-proves.yml, or the meta of our own rules). */
  proves?: Proof
}

/**
 * signature-base scores (meta `score`, 0-100, as used by LOKI/THOR: 40 notable, 60 suspicious, 75+ alert)
 * map onto severities; a rule without a score is a specific web-shell signature, so high.
 */
export function severityFromScore(score: unknown): Severity {
  if (typeof score !== 'number') return 'high'
  if (score >= 70) return 'high'
  if (score >= 50) return 'medium'
  return 'low'
}

function metaString(meta: Record<string, unknown>, key: string): string | undefined {
  const v = meta[key]
  return typeof v === 'string' && v ? v : undefined
}

export function yaraHits(
  matches: readonly YaraMatchLike[],
  rules: ReadonlyMap<string, YaraRuleInfo>,
  context?: YaraHitContext,
): WebHit[] {
  const out: WebHit[] = []
  for (const m of matches) {
    const meta = m.meta as Record<string, unknown>
    const info = rules.get(m.ruleIdentifier)
    const author = metaString(meta, 'author') ?? info?.defaultAuthor
    const description = metaString(meta, 'description') ?? m.ruleIdentifier
    const source: RuleSource = { engine: 'yara', file: info?.file ?? 'unknown' }
    if (author) source.author = author
    if (info?.url) source.url = info.url
    if (info) source.license = info.license
    const strings = [...new Set(m.matches.map((s) => s.identifier))].slice(0, 8)
    const credit = [
      author ? `author ${author}` : undefined,
      info ? `rule ${info.url ?? info.file}` : undefined,
      info ? `licence ${info.license}` : undefined,
    ]
      .filter(Boolean)
      .join('; ')
    const reasons = [
      `YARA ${m.ruleIdentifier}: ${description}${strings.length ? ` (strings ${strings.join(', ')})` : ''} [${credit}]`,
    ]
    const ref = metaString(meta, 'reference')
    if (ref) reasons.push(`reference: ${ref}`)
    const hit: WebHit = {
      rule: `yara:${m.ruleIdentifier}`,
      title: description,
      severity: severityFromScore(meta.score),
      // Unknown (user) rules are files to review.
      proves: info?.proves ?? 'suspicion',
      source,
      reasons,
      cves: [
        ...new Set(`${description} ${m.ruleIdentifier}`.match(/CVE[-_]\d{4}[-_]\d{4,7}/gi) ?? []),
      ].map((c) => c.toUpperCase().replace(/_/g, '-')),
      attack: ['T1505.003'],
    }
    const first = m.matches[0]
    if (first) hit.excerpt = first.data.slice(0, 300)
    if (context?.filters.length)
      applyContextFilters(
        context.filters,
        m.ruleIdentifier,
        m.matches,
        context.scanned(m),
        hit,
        context.ext,
      )
    out.push(hit)
  }
  return out
}
