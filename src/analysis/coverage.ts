// Can these logs answer the question? Warn when they start after a known exploitation window,
// when the web-facing logs are missing, or when a log type stops long before the others. Pure.
import type { CoverageEntry } from '../shared/types.ts'

/** An exploitation window of a CVE family (content/cves/*.yml). */
export interface ExposureWindow {
  name: string
  cves: string[]
  /** YYYY-MM-DD (UTC): first known exploitation; logs must reach back to here to show it. */
  from: string
  /** YYYY-MM-DD (UTC): the fix was released. Servers stayed open until they installed it, so this does
   * not end the window (ProxyShell was fixed in May 2021, before its first exploitation in August). */
  patched: string
}

export interface CoverageOptions {
  stopGapDays?: number
  /** CVEs the build lacks (exposure.missing): their windows are still open on this server. */
  missingCves?: readonly string[]
  /** Days of logs a normal server keeps: a closed window older than that before the newest log is
   * not worth a warning on every hunt of a later server (its web shells still show in the file scan). */
  retentionDays?: number
}

const LABEL: Record<string, string> = {
  iis: 'IIS',
  httpproxy: 'HttpProxy',
  'ecp-server': 'ECP server',
  'ecp-activity': 'ECP activity',
  'oab-generator': 'OABGenerator',
  'rps-cmdlet': 'Remote PowerShell cmdlet',
  'rps-http': 'Remote PowerShell HTTP',
  'local-powershell': 'local PowerShell',
  'message-tracking': 'message tracking',
  autodiscover: 'Autodiscover',
  ews: 'EWS',
  'smtp-receive': 'SMTP receive',
  'exchange-other': 'other Exchange',
  evtx: 'event',
  webfiles: 'web files',
}

export function logLabel(t: string): string {
  return LABEL[t] ?? t
}

/** Log types written all the time on a live server: a gap means logging stopped or was deleted. */
const CONTINUOUS = new Set(['iis', 'httpproxy', 'evtx'])
const DAY = 86_400_000

export function coverageWarnings(
  entries: readonly CoverageEntry[],
  windows: readonly ExposureWindow[] = [],
  opts: CoverageOptions = {},
): string[] {
  const out: string[] = []
  const present = entries.filter((e) => e.files > 0 && e.logType !== 'webfiles')
  if (!present.some((e) => (e.logType === 'iis' || e.logType === 'httpproxy') && e.lines > 0)) {
    out.push(
      'No HttpProxy or IIS logs were found: web exploitation (ProxyLogon, ProxyShell, ProxyNotShell) cannot be seen. Collect V15\\Logging\\HttpProxy and inetpub\\logs\\LogFiles.',
    )
  }
  out.push(...windowWarnings(present, windows, opts))
  const gap = (opts.stopGapDays ?? 7) * DAY
  const newest = Math.max(...present.map((e) => (e.newest ? Date.parse(e.newest) : 0)), 0)
  for (const e of present) {
    if (!CONTINUOUS.has(e.logType) || !e.newest) continue
    const t = Date.parse(e.newest)
    if (newest - t > gap) {
      const days = Math.round((newest - t) / DAY)
      out.push(
        `${cap(logLabel(e.logType))} logs end ${e.newest.slice(0, 10)}, ${days} days before other logs: logging stopped, was rotated away or deleted?`,
      )
    }
  }
  return out
}

/**
 * One warning per exploitation window whose start the logs do not reach, naming the log types and the
 * days they miss; only for windows that could matter here: still open (the build lacks the fix) or
 * recent enough that a server's logs could still hold them.
 */
function windowWarnings(
  present: readonly CoverageEntry[],
  windows: readonly ExposureWindow[],
  opts: CoverageOptions,
): string[] {
  const dated = present.filter((e) => e.oldest)
  if (dated.length === 0) return []
  const newest = Math.max(...present.map((e) => (e.newest ? Date.parse(e.newest) : 0)))
  const horizon = newest - (opts.retentionDays ?? 365) * DAY
  const missing = new Set(opts.missingCves ?? [])
  const out: string[] = []
  for (const w of windows) {
    const open = w.cves.some((c) => missing.has(c))
    const end = Math.max(Date.parse(w.patched), Date.parse(w.from))
    if (!open && !(end >= horizon)) continue
    const late = dated.filter((e) => (e.oldest as string).slice(0, 10) > w.from)
    if (late.length === 0) continue
    const byStart = new Map<string, string[]>()
    for (const e of late) {
      const day = (e.oldest as string).slice(0, 10)
      byStart.set(day, [...(byStart.get(day) ?? []), logLabel(e.logType)])
    }
    const starts = [...byStart.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))
    const said = starts.map(
      ([day, types], i) => `${joinAnd(types)} logs ${i === 0 ? 'start ' : ''}${day}`,
    )
    const first = (starts[0] as [string, string[]])[0]
    const state = open ? 'and this build still lacks its fixes' : `(fixed ${w.patched})`
    out.push(
      `${w.name} was exploited from ${w.from} ${state}: ${said.join(', ')}, so ${w.from}..${dayBefore(first)} is not in them.`,
    )
  }
  return out
}

function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY).toISOString().slice(0, 10)
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function joinAnd(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`
}

/** What coverage needs of one log file's summary (sources/logs LogFileSummary has these and more). */
export interface LogFileCounts {
  logType: CoverageEntry['logType'] | null
  bytes: number
  lines: number
  oldest?: string
  newest?: string
}

/** One coverage entry per log type: files, bytes, lines and the time span read, by type name. */
export function coverageEntries(summaries: readonly LogFileCounts[]): CoverageEntry[] {
  const by = new Map<string, CoverageEntry>()
  for (const s of summaries) {
    if (!s.logType) continue
    let e = by.get(s.logType)
    if (!e) {
      e = { logType: s.logType, files: 0, bytes: 0, lines: 0 }
      by.set(s.logType, e)
    }
    e.files++
    e.bytes += s.bytes
    e.lines += s.lines
    if (s.oldest && (!e.oldest || s.oldest < e.oldest)) e.oldest = s.oldest
    if (s.newest && (!e.newest || s.newest > e.newest)) e.newest = s.newest
  }
  return [...by.values()].sort((a, b) => a.logType.localeCompare(b.logType))
}
