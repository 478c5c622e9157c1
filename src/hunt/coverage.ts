// Can these logs answer the question? Warn when they start after a known exploitation window,
// when the web-facing logs are missing, or when a log type stops long before the others. Pure.
import type { CoverageEntry } from '../shared/types.ts'

export interface ExposureWindow {
  name: string
  cves: string[]
  /** YYYY-MM-DD (UTC): first known exploitation. */
  from: string
  /** YYYY-MM-DD (UTC): fix available / mass exploitation under way. */
  to: string
}

export const DEFAULT_WINDOWS: readonly ExposureWindow[] = [
  // Volexity "Operation Exchange Marauder" (2021-03-02) saw exploitation in early January 2021;
  // Microsoft shipped the fixes 2021-03-02 (MSRC blog "HAFNIUM targeting Exchange Servers").
  {
    name: 'ProxyLogon',
    cves: ['CVE-2021-26855', 'CVE-2021-26857', 'CVE-2021-26858', 'CVE-2021-27065'],
    from: '2021-01-03',
    to: '2021-03-03',
  },
  // GTSC (2022-09-28) saw ProxyNotShell exploited from early August 2022; fixed in Nov22SU (2022-11-08).
  {
    name: 'ProxyNotShell',
    cves: ['CVE-2022-41040', 'CVE-2022-41082'],
    from: '2022-08-01',
    to: '2022-11-08',
  },
]

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
  windows: readonly ExposureWindow[] = DEFAULT_WINDOWS,
  opts: { stopGapDays?: number } = {},
): string[] {
  const out: string[] = []
  const present = entries.filter((e) => e.files > 0 && e.logType !== 'webfiles')
  if (!present.some((e) => (e.logType === 'iis' || e.logType === 'httpproxy') && e.lines > 0)) {
    out.push(
      'No HttpProxy or IIS logs were found: web exploitation (ProxyLogon, ProxyShell, ProxyNotShell) cannot be seen. Collect V15\\Logging\\HttpProxy and inetpub\\logs\\LogFiles.',
    )
  }
  for (const e of present) {
    if (!e.oldest) continue
    const missed = windows.filter((w) => e.oldest!.slice(0, 10) > w.from)
    if (missed.length === 0) continue
    const names = missed.map((w) => `${w.name} (${w.from}..${w.to})`)
    const list = names.length === 1 ? `the ${names[0]} window` : `the ${joinAnd(names)} windows`
    out.push(
      `${cap(logLabel(e.logType))} logs start ${e.oldest.slice(0, 10)}, after the start of ${list}.`,
    )
  }
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

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function joinAnd(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`
}
