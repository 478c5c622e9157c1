// The probe's output formats: each a stream writer (results as they are judged, then the end), and
// renderProbeReport for a whole report (a library caller's, or one stored as JSON).
import type { ProbeReport } from '../../shared/types.ts'
import { probeCsvHeader, probeCsvRow } from './csv.ts'
import { jsonStream, ndjsonStream, type StreamWriter } from './json.ts'
import { type ProbeTextOptions, textStream } from './text.ts'

export { PROBE_CSV_COLUMNS, shadowTag } from './csv.ts'
export type { StreamWriter } from './json.ts'

export const PROBE_FORMATS = ['text', 'json', 'ndjson', 'csv'] as const
export type ProbeFormat = (typeof PROBE_FORMATS)[number]

export function probeStream(
  format: ProbeFormat,
  head: ProbeReport,
  write: (s: string) => void,
  o: ProbeTextOptions = {},
): StreamWriter {
  switch (format) {
    case 'json':
      return jsonStream(head, write)
    case 'ndjson':
      return ndjsonStream(write)
    case 'csv':
      write(probeCsvHeader())
      return { result: (r) => write(probeCsvRow(r)), end() {} }
    case 'text':
      return textStream(write, o)
  }
}

export function renderProbeReport(
  report: ProbeReport,
  format: ProbeFormat,
  o: ProbeTextOptions = {},
): string {
  let out = ''
  const w = probeStream(
    format,
    report,
    (s) => {
      out += s
    },
    o,
  )
  for (const r of report.results) w.result(r)
  w.end(report)
  return out
}
