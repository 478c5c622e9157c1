// The notices as CSV, one row per target of each notice, for a CERT that sends through its own
// mailer or ticket system. RFC 4180 (CRLF rows, quotes doubled); scanned text is cleaned of controls
// and a cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP "CSV Injection").
import { cleanScanned } from './escape.ts'
import type { PlannedNotice } from './types.ts'

export const NOTICE_CSV_COLUMNS = [
  'notice',
  'message_id',
  'state',
  'email',
  'organisation',
  'owner_source',
  'owner_matched',
  'asn',
  'language',
  'target',
  'ip',
  'since',
  'last_seen',
  'build',
  'version',
  'missing_cves',
  'exploited_cves',
  'hunt_verdict',
  'outcome',
] as const

function cell(value: string | number | undefined): string {
  let s = value === undefined ? '' : cleanScanned(String(value), 4000)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

export const noticeCsvHeader = () => `${NOTICE_CSV_COLUMNS.join(',')}\r\n`

export function noticeCsvRows(n: PlannedNotice, messageId: string, outcome: string): string {
  return n.targets
    .map((t) => {
      const missing = t.probe?.missing ?? []
      return `${[
        n.key,
        messageId,
        n.state,
        n.owner.email,
        n.owner.organisation,
        n.owner.source,
        n.owner.matched,
        n.owner.asn,
        n.owner.language,
        t.label,
        t.ip,
        t.since,
        t.lastSeen,
        t.probe?.build?.build,
        t.probe?.build?.versionName,
        missing.map((m) => m.cve).join(' '),
        missing
          .filter((m) => m.exploitedInWild)
          .map((m) => m.cve)
          .join(' '),
        t.huntVerdict,
        outcome,
      ]
        .map(cell)
        .join(',')}\r\n`
    })
    .join('')
}
