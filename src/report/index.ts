// One entry point for every output format. Renderers are pure: report in, string out.
import type { HuntReport } from '../shared/types.ts'
import type { Advice } from './advice.ts'
import { renderCsv } from './csv.ts'
import { renderHtml } from './html/render.ts'
import { renderJson, renderNdjson } from './json.ts'
import { renderText } from './text/render.ts'

export type { Advice, VerdictAdvice } from './advice.ts'
export { nextSteps } from './advice.ts'
export { CSV_COLUMNS, csvCell } from './csv.ts'
export { ndjsonLine, ndjsonSummary } from './json.ts'

export const REPORT_FORMATS = ['text', 'json', 'ndjson', 'csv', 'html'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export interface RenderOptions {
  /** ANSI colour in text output (decide with NO_COLOR / TTY in the caller). */
  color?: boolean
  /** Terminal columns for text output; 100 when unknown. */
  width?: number
  /** Text: list every finding, not only the summary per rule. */
  verbose?: boolean
  /** Parsed content/advice/next-steps.yml (content/advice.ts); without it, no "what to do next". */
  advice?: Advice
  /** NDJSON: only the closing summary line (the findings were streamed already). */
  summaryOnly?: boolean
}

export function renderReport(
  report: HuntReport,
  format: ReportFormat,
  opts: RenderOptions = {},
): string {
  switch (format) {
    case 'text':
      return renderText(report, opts)
    case 'json':
      return renderJson(report)
    case 'ndjson':
      return renderNdjson(report, opts.summaryOnly)
    case 'csv':
      return renderCsv(report)
    case 'html':
      return renderHtml(report, opts)
  }
}
