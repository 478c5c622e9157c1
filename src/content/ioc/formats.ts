// The feed formats exhunt reads: CSV with a header, signature-base `value;comment` and `regex;score`
// lists (github.com/Neo23x0/signature-base iocs/), and plain text, one indicator a line.
import type { Severity } from '../../shared/types.ts'
import { parseCsv } from './csv.ts'

/** One indicator as read, before its type is checked. `type` undefined = guess from the value. */
export interface RawIoc {
  line: number
  value: string
  type?: string
  severity?: Severity
  sources?: string[]
  notes?: string
}

export type FeedFormat = 'csv' | 'sigbase-hash' | 'sigbase-filename' | 'text'

const VALUE_COLS = ['indicator', 'value', 'ioc', 'ioc_value', 'observable', 'data']
const TYPE_COLS = ['type', 'ioc_type', 'indicator_type', 'kind']

function contentLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as string).trim()
    if (t !== '' && !t.startsWith('#')) out.push({ line: i + 1, text: t })
  }
  return out
}

export function sniffFormat(text: string): FeedFormat {
  const lines = contentLines(text.slice(0, 64 * 1024)).slice(0, 50)
  const first = lines[0]?.text.toLowerCase() ?? ''
  if (first.includes(',')) {
    const cols = first.split(',').map((c) => c.trim().replace(/^"|"$/g, ''))
    if (cols.some((c) => VALUE_COLS.includes(c))) return 'csv'
  }
  if (lines.length === 0) return 'text'
  if (lines.every((l) => /;\s*\d{1,3}\s*(;.*)?$/.test(l.text))) return 'sigbase-filename'
  // `value;comment` where value is a hash, IP or host — not a user agent that happens to hold `;`.
  if (lines.every((l) => /^([0-9a-f]{32,64}|[0-9a-f:.]+|[\w.-]+\.[a-z]{2,});/i.test(l.text))) {
    return 'sigbase-hash'
  }
  return 'text'
}

const SEVERITIES = new Set(['info', 'low', 'medium', 'high', 'critical'])

export function readCsvFeed(text: string): { rows: RawIoc[]; error?: string } {
  const table = parseCsv(text.replace(/^\uFEFF/, ''))
  const header = table[0]?.cells.map((c) => c.trim().toLowerCase()) ?? []
  const vi = header.findIndex((c) => VALUE_COLS.includes(c))
  if (vi === -1) return { rows: [], error: `no indicator/value column in header` }
  const ti = header.findIndex((c) => TYPE_COLS.includes(c))
  const si = header.indexOf('severity')
  const oi = header.findIndex((c) => c === 'sources' || c === 'source')
  const ni = header.findIndex((c) => c === 'notes' || c === 'comment' || c === 'description')
  const rows: RawIoc[] = []
  for (const r of table.slice(1)) {
    const value = r.cells[vi]?.trim() ?? ''
    if (value === '' || value.startsWith('#')) continue
    const row: RawIoc = { line: r.line, value }
    const type = ti === -1 ? '' : (r.cells[ti]?.trim() ?? '')
    if (type) row.type = type
    const sev = si === -1 ? '' : (r.cells[si]?.trim().toLowerCase() ?? '')
    if (SEVERITIES.has(sev)) row.severity = sev as Severity
    const src = oi === -1 ? '' : (r.cells[oi] ?? '')
    const sources = src
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)
    if (sources.length) row.sources = sources
    const notes = ni === -1 ? '' : (r.cells[ni]?.trim() ?? '')
    if (notes) row.notes = notes
    rows.push(row)
  }
  return { rows }
}

/** signature-base `hash;comment` (also c2 `value;comment`): type guessed from the value. */
export function readSemicolonFeed(text: string): RawIoc[] {
  return contentLines(text).map(({ line, text: t }) => {
    const at = t.indexOf(';')
    const value = at === -1 ? t : t.slice(0, at).trim()
    const notes = at === -1 ? '' : t.slice(at + 1).trim()
    return notes ? { line, value, notes } : { line, value }
  })
}

/** signature-base `regex;score[;false-positive regex]`: LOKI's score becomes the severity. */
export function readScoreFeed(text: string): RawIoc[] {
  return contentLines(text).map(({ line, text: t }) => {
    const m = /^(.*?);\s*(\d{1,3})\s*(?:;.*)?$/.exec(t)
    const value = m ? (m[1] as string) : t
    const score = m ? Number(m[2]) : 0
    const severity: Severity = score >= 90 ? 'high' : score >= 70 ? 'medium' : 'low'
    return { line, value, type: 'filepath_regex', severity, notes: `score ${score}` }
  })
}

export function readTextFeed(text: string): RawIoc[] {
  return contentLines(text).map(({ line, text: t }) => {
    // `value  # comment` — a trailing comment after whitespace.
    const m = /^(.*?)\s+#\s?(.*)$/.exec(t)
    return m ? { line, value: m[1] as string, notes: m[2] as string } : { line, value: t }
  })
}
