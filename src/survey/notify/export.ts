// `--export csv|xarf DIR`: the notices handed over as files instead of e-mail, for CERTs that
// forward through their own mailers. Owners without an e-mail are included (the CERT reaches them
// another way). The CSV is appended to (header once); each XARF report is one JSON file named by its
// report id, so re-exporting the same notice rewrites the same file.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { noticeCsvHeader, noticeCsvRows } from './export-csv.ts'
import { xarfReports } from './export-xarf.ts'
import type { Deliver } from './send.ts'
import type { Sender } from './view.ts'

export type ExportFormat = 'csv' | 'xarf'

export function exportDeliver(
  format: ExportFormat,
  dir: string,
  cert: Sender,
  dryRun = false,
): Deliver {
  mkdirSync(dir, { recursive: true })
  const csv = join(dir, 'notices.csv')
  return {
    needsEmail: false,
    preview: true,
    async send(n, _rendered, messageId) {
      if (format === 'csv') {
        if (!existsSync(csv)) writeFileSync(csv, noticeCsvHeader())
        appendFileSync(csv, noticeCsvRows(n, messageId, dryRun ? 'would-send' : 'exported'))
        return `${n.targets.length} row(s) in ${csv}`
      }
      const reports = xarfReports(n, cert)
      for (const r of reports)
        writeFileSync(join(dir, `${r.id}.json`), `${JSON.stringify(r.report, null, 2)}\n`)
      return reports.length > 0
        ? `${reports.length} XARF report(s) in ${dir}`
        : `no XARF report (${n.state === 'patched' ? 'a patched server is not abuse' : 'no CVE or port known'})`
    },
  }
}
