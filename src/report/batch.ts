// Several servers' reports from one folder of evidence zips (src/hunt/batch.ts): a summary table to
// read first, then each report in the chosen format. Pure: entries in, string out.
import type { BatchEntry } from '../analysis/batch-entry.ts'
import type { HuntReport, Severity } from '../shared/types.ts'
import { CSV_COLUMNS, csvCell, csvRow } from './csv.ts'
import { CSP, CSS, JS } from './html/assets.ts'
import { esc, renderHtml } from './html/render.ts'
import type { RenderOptions, ReportFormat } from './index.ts'
import { orderedReport } from './json.ts'
import { table, wrap } from './text/layout.ts'
import { renderText } from './text/render.ts'

export interface BatchRow {
  evidence: string
  /** The report's verdict, or `failed` when the zip could not be hunted. */
  verdict: string
  bySeverity: Record<Severity, number>
  /** "CU19 15.1.2176.2", or "-" when no build was found. */
  build: string
  reasons: string[]
  error?: string
}

/** Columns of the summary, most serious first. */
const SHOWN: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info']

export function batchRows(entries: readonly BatchEntry[]): BatchRow[] {
  return entries.map((e) => {
    const bySeverity: Record<Severity, number> = {
      info: 0,
      low: 0,
      medium: 0,
      high: 0,
      critical: 0,
    }
    const r = e.report
    if (!r) {
      const error = `${e.error?.code ?? 'EXH_ERR_INPUT'}: ${e.error?.message ?? 'not hunted'}`
      return { evidence: e.evidence, verdict: 'failed', bySeverity, build: '-', reasons: [], error }
    }
    for (const f of r.findings) bySeverity[f.severity]++
    const x = r.exposure
    const build = x ? [x.versionName, x.build].filter(Boolean).join(' ') : '-'
    return {
      evidence: e.evidence,
      verdict: r.verdict,
      bySeverity,
      build,
      reasons: r.verdictReasons,
    }
  })
}

function verdictCounts(rows: readonly BatchRow[]): string {
  const n = new Map<string, number>()
  for (const r of rows) n.set(r.verdict, (n.get(r.verdict) ?? 0) + 1)
  return [...n].map(([v, k]) => `${k} ${v}`).join(', ')
}

export interface BatchRenderOptions extends RenderOptions {
  /** The folder given as PATH. */
  input: string
}

export function renderBatch(
  entries: readonly BatchEntry[],
  format: Exclude<ReportFormat, 'ndjson'>,
  opts: BatchRenderOptions,
): string {
  switch (format) {
    case 'text':
      return renderBatchText(entries, opts)
    case 'json':
      return `${JSON.stringify(reportsOf(entries).map(orderedReport), null, 2)}\n`
    case 'csv':
      return renderBatchCsv(entries)
    case 'html':
      return renderBatchHtml(entries, opts)
  }
}

/** NDJSON of a batch: one whole report per line, written as each zip is done. */
export function batchNdjsonLine(r: HuntReport): string {
  return `${JSON.stringify(orderedReport(r))}\n`
}

function reportsOf(entries: readonly BatchEntry[]): HuntReport[] {
  return entries.flatMap((e) => (e.report ? [e.report] : []))
}

export function renderBatchText(entries: readonly BatchEntry[], opts: BatchRenderOptions): string {
  const width = Math.max(60, Math.min(opts.width ?? 100, 160))
  const rows = batchRows(entries)
  const out = [
    ...wrap(
      `EXHUNT: ${entries.length} evidence zips in ${opts.input}: ${verdictCounts(rows)}`,
      width,
    ),
    '',
    ...table(
      [
        { title: 'evidence', max: 40 },
        { title: 'verdict' },
        { title: 'crit', align: 'right' },
        { title: 'high', align: 'right' },
        { title: 'med', align: 'right' },
        { title: 'low', align: 'right' },
        { title: 'info', align: 'right' },
        { title: 'build', max: 24 },
        { title: 'top reason' },
      ],
      rows.map((r) => [
        r.evidence,
        r.verdict,
        ...SHOWN.map((s) => String(r.bySeverity[s])),
        r.build,
        r.error ?? r.reasons[0] ?? '-',
      ]),
      width,
    ),
  ]
  entries.forEach((e, i) => {
    out.push('', '', `▶ ${i + 1}/${entries.length} ${e.evidence}`)
    if (e.report) out.push(renderText(e.report, opts).trimEnd())
    else out.push(`  not hunted: ${e.error?.code}: ${e.error?.message}`)
  })
  return `${out.join('\n')}\n`
}

function renderBatchCsv(entries: readonly BatchEntry[]): string {
  const lines = [['evidence', ...CSV_COLUMNS].join(',')]
  for (const e of entries) {
    for (const f of e.report?.findings ?? []) lines.push(`${csvCell(e.evidence)},${csvRow(f)}`)
  }
  return `${lines.join('\r\n')}\r\n`
}

/** The body of one report's page (banner and main), with its element ids made unique on the page. */
function reportBody(r: HuntReport, i: number, opts: RenderOptions): string {
  const page = renderHtml(r, opts)
  const body = page.slice(page.indexOf('<body>') + 6, page.lastIndexOf('<script>'))
  // The page script makes the first report's findings table sortable; later ones stay plain tables.
  return i === 0
    ? body.replace(/<main>/, '<div class="report">').replace(/<\/main>/, '</div>')
    : body
        .replace(/\bid="([\w-]+)"/g, `id="$1-${i}"`)
        .replace(/<main>/, '<div class="report">')
        .replace(/<\/main>/, '</div>')
}

/** Each report keeps the look of its own page: the width `main` has there, a rule between reports. */
const BATCH_CSS =
  '.report{max-width:1200px;margin:0 auto;padding:0 24px 48px}article{border-top:4px solid var(--line);margin-top:24px}'

function renderBatchHtml(entries: readonly BatchEntry[], opts: BatchRenderOptions): string {
  const rows = batchRows(entries)
  const summary = rows
    .map(
      (r, i) =>
        `<tr><td><a href="#report-${i}">${esc(r.evidence)}</a></td><td><b>${esc(r.verdict)}</b></td>${SHOWN.map((s) => `<td class="num">${r.bySeverity[s]}</td>`).join('')}<td class="mono">${esc(r.build)}</td><td>${esc(r.error ?? r.reasons.slice(0, 2).join(' · '))}</td></tr>`,
    )
    .join('')
  const reports = entries
    .map((e, i) =>
      e.report
        ? `<article id="report-${i}">${reportBody(e.report, i, opts)}</article>`
        : `<article id="report-${i}"><main><section><h2>${esc(e.evidence)}: not hunted</h2><p>${esc(`${e.error?.code}: ${e.error?.message}`)}</p></section></main></article>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(`exhunt: ${entries.length} evidence zips — ${opts.input}`)}</title><style>${CSS}${BATCH_CSS}</style></head><body>
<main>
<section><h2>${esc(`${entries.length} evidence zips in ${opts.input}`)}</h2><p>${esc(verdictCounts(rows))}</p>
<table><thead><tr><th>evidence</th><th>verdict</th>${SHOWN.map((s) => `<th class="num">${s}</th>`).join('')}<th>build</th><th>top reasons</th></tr></thead><tbody>${summary}</tbody></table></section>
</main>
${reports}
<script>${JS}</script></body></html>
`
}
