// CSV: one row per finding, RFC 4180 (CRLF rows, quotes doubled). Cells that a spreadsheet would
// run as a formula get a leading apostrophe (OWASP "CSV Injection").
import type { Finding, HuntReport } from '../shared/types.ts'

export const CSV_COLUMNS = [
  'time',
  'severity',
  'category',
  'outcome',
  'rule',
  'title',
  'cves',
  'attack',
  'ips',
  'users',
  'paths',
  'user_agents',
  'source_path',
  'source_line',
  'evidence',
  'rule_engine',
  'rule_file',
  'rule_license',
  'folded',
  'id',
] as const

/** Several values in one cell are joined with this; it cannot occur in IPs, CVE ids or ATT&CK ids. */
const LIST_SEP = ' | '

export function csvCell(value: string | number | undefined): string {
  let s = value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvRow(f: Finding): string {
  const cells: Array<string | number | undefined> = [
    f.time,
    f.severity,
    f.category,
    f.outcome,
    f.rule,
    f.title,
    f.cves.join(LIST_SEP),
    f.attack.join(LIST_SEP),
    f.indicators.ips.join(LIST_SEP),
    f.indicators.users.join(LIST_SEP),
    f.indicators.paths.join(LIST_SEP),
    f.indicators.userAgents.join(LIST_SEP),
    f.source.path,
    f.source.line ?? f.source.record,
    f.evidence,
    f.ruleSource.engine,
    f.ruleSource.file,
    f.ruleSource.license,
    f.folded ?? 0,
    f.id,
  ]
  return cells.map(csvCell).join(',')
}

export function renderCsv(r: HuntReport): string {
  return `${[CSV_COLUMNS.join(','), ...r.findings.map(csvRow)].join('\r\n')}\r\n`
}
