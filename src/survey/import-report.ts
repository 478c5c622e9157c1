// `exhunt survey import REPORT.json`: an existing report (from `exhunt hunt -f json`) stored as is,
// keyed by the SHA-256 of its bytes, so importing the same file twice stores it once.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { ExhuntError } from '../shared/errors.ts'
import { audit } from '../store/audit.ts'
import type { Store } from '../store/open.ts'
import { checkEnvelope, reportDigestKey, storeReport } from '../store/reports.ts'

export interface ImportedReport {
  path: string
  key: string
  verdict: string
  complete: boolean
  inserted: boolean
}

export async function importReport(
  store: Store,
  path: string,
  actor: string,
): Promise<ImportedReport> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ExhuntError('EXH_ERR_SURVEY_INPUT', `${path}: ${(e as Error).message}`, {
      item: path,
    })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new ExhuntError('EXH_ERR_REPORT', `${path}: not JSON (${(e as Error).message})`, {
      item: path,
    })
  }
  const report = checkEnvelope(value, path)
  const key = reportDigestKey(text)
  const r = await storeReport(store.pool, {
    key,
    report,
    origin: 'import',
    sourceName: basename(path),
  })
  if (r.inserted)
    await audit(store.pool, actor, 'report.import', key, { path, verdict: report.verdict })
  return { path, key, verdict: report.verdict, complete: report.complete, inserted: r.inserted }
}
