// CSV of a probe: one row per target. The first columns are those of Shadowserver's "Vulnerable
// Exchange Server" report (scan_exchange: timestamp, ip, port, hostname, tag, asn, geo, region, city,
// naics, sic, sector, version, servername, url; https://www.shadowserver.org/what-we-do/network-reporting/vulnerable-exchange-server-report/,
// header as in certtools/intelmq tests/bots/parsers/shadowserver/testdata/scan_exchange.csv), so tools
// that read theirs read ours; the geography and sector columns stay empty (exhunt looks nothing up).
// Our own columns follow.
import type { ProbeTargetResult } from '../../shared/probe.ts'
import { csvCell } from '../csv.ts'

export const PROBE_CSV_COLUMNS = [
  // Shadowserver's scan_exchange columns, in their order.
  'timestamp',
  'ip',
  'port',
  'hostname',
  'tag',
  'asn',
  'geo',
  'region',
  'city',
  'naics',
  'sic',
  'sector',
  'version',
  'servername',
  'url',
  // exhunt's.
  'scheme',
  'input',
  'verdict',
  'confidence',
  'exchange',
  'build_parts',
  'build_source',
  'product',
  'version_name',
  'missing',
  'exploited',
  'checks',
  'tls_subject',
  'tls_sans',
  'tls_self_signed',
  'tls_sha256',
  'errors',
  'reason',
  'ms',
  'requests',
] as const

const LIST_SEP = ' | '

/** Shadowserver's timestamp: `2021-05-14 00:11:30` (UTC). */
function shadowTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ')
}

/**
 * Shadowserver's tag: `exchange;cve-2021-26855` for a vulnerable server, `exchange;webshell` for one
 * where a shell answered. Ours lists every CVE a check or the build shows (lower case), and `exchange`
 * alone for a patched one; empty for a target that is not Exchange.
 */
export function shadowTag(r: ProbeTargetResult): string {
  if (!r.exchange) return ''
  const tags = ['exchange']
  if (r.verdict === 'likely-compromised') tags.push('webshell')
  const cves = new Set<string>()
  for (const c of r.checks) if (c.outcome === 'vulnerable') for (const v of c.cves) cves.add(v)
  for (const m of r.missing) if (m.exploitedInWild && m.certainty !== 'possibly') cves.add(m.cve)
  for (const c of [...cves].sort()) tags.push(c.toLowerCase())
  return tags.join(';')
}

function url(r: ProbeTargetResult): string {
  const host = r.target.host.includes(':') ? `[${r.target.host}]` : r.target.host
  return `${r.target.scheme}://${host}:${r.target.port}/`
}

export function probeCsvHeader(): string {
  return `${PROBE_CSV_COLUMNS.join(',')}\r\n`
}

export function probeCsvRow(r: ProbeTargetResult): string {
  const t = r.target
  const b = r.build
  const cells: Array<string | number | undefined> = [
    shadowTime(r.startedAt),
    t.ip ?? '',
    t.port,
    t.serverName ?? (t.ip === t.host ? '' : t.host),
    shadowTag(r),
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    b?.build,
    r.serverNames.join(LIST_SEP),
    url(r),
    t.scheme,
    t.input,
    r.verdict,
    r.confidence,
    r.exchange ? 'true' : 'false',
    b?.parts,
    b?.source,
    b?.product,
    b?.versionName,
    r.missing
      .map((m) => (m.certainty === 'exact' ? m.cve : `${m.cve} (${m.certainty})`))
      .join(LIST_SEP),
    r.missing
      .filter((m) => m.exploitedInWild)
      .map((m) => m.cve)
      .join(LIST_SEP),
    r.checks.map((c) => `${c.id}=${c.outcome}`).join(LIST_SEP),
    r.tls?.subject,
    r.tls?.altNames.join(LIST_SEP),
    r.tls?.selfSigned === undefined ? '' : String(r.tls.selfSigned),
    r.tls?.sha256,
    r.errors.map((e) => `${e.code}: ${e.message}`).join(LIST_SEP),
    r.reason,
    r.ms,
    r.requests,
  ]
  return `${cells.map(csvCell).join(',')}\r\n`
}
