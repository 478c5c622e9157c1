// Which report format `-o FILE` gets: an explicit -f wins; without it the file name's extension picks
// one (report.html → html). An extension that names another structured format than -f is refused,
// since the file would not open as what its name says.
import { extname } from 'node:path'
import type { ReportFormat } from '../report/index.ts'

const BY_EXTENSION: Readonly<Record<string, ReportFormat>> = {
  '.html': 'html',
  '.htm': 'html',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.csv': 'csv',
  '.txt': 'text',
  '.log': 'text',
}

export type FormatChoice = { format: ReportFormat } | { error: string }

export function formatOfName(file: string): ReportFormat | undefined {
  return BY_EXTENSION[extname(file).toLowerCase()]
}

export function pickFormat(explicit: ReportFormat | undefined, output?: string): FormatChoice {
  const named = output === undefined ? undefined : formatOfName(output)
  if (explicit === undefined) return { format: named ?? 'text' }
  // Text is the generic case: `-f json -o run.log` is a fair thing to ask for.
  if (named !== undefined && named !== 'text' && named !== explicit) {
    return {
      error: `-f ${explicit} does not match -o ${output} (${extname(output ?? '').toLowerCase()} means ${named}); drop -f or rename the file`,
    }
  }
  return { format: explicit }
}
