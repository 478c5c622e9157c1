// After all evidence is read: link findings, date the attack, judge coverage and exposure, and decide.

import { loadCveInfo, windowStart } from '../content/builds/cves.ts'
import { loadBuildTable } from '../content/builds/load.ts'
import { type BuildCandidate, exposureFor } from '../detect/exposure/index.ts'
import type {
  Coverage,
  CoverageEntry,
  Exposure,
  Finding,
  HuntIncomplete,
  TimelineEntry,
  UnreadEntry,
  Verdict,
} from '../shared/types.ts'
import { severityRank } from '../shared/types.ts'
import type { LogFileSummary } from '../sources/logs/index.ts'
import { arrival, correlate } from './correlate.ts'
import { coverageWarnings, type ExposureWindow } from './coverage.ts'
import type { Examined } from './examined.ts'
import { buildTimeline } from './timeline.ts'
import { decideVerdict } from './verdict.ts'

export interface DecideInput {
  contentRoot: string
  findings: Finding[]
  summaries: readonly LogFileSummary[]
  webfiles?: { files: number; bytes: number }
  build: BuildCandidate | null
  /** What could show exploitation was read (hunt/examined.ts); decides `no-evidence`. */
  examined?: Examined
  /** Recognised but not read (hunt/unread.ts): coverage.unread, named in the `no-evidence` reasons. */
  unread?: UnreadEntry[]
  /** The hunt was cut short: the verdict says so and is never `clean` or `exposed`. */
  incomplete?: HuntIncomplete
}

export interface Decided {
  verdict: Verdict
  reasons: string[]
  findings: Finding[]
  timeline: TimelineEntry[]
  coverage: Coverage
  exposure: Exposure | null
}

export function coverageEntries(summaries: readonly LogFileSummary[]): CoverageEntry[] {
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

function windowsFromContent(contentRoot: string): readonly ExposureWindow[] {
  return loadCveInfo(contentRoot).map((c) => ({
    name: c.name,
    cves: c.cves,
    from: windowStart(c.firstExploited),
    patched: windowStart(c.patched),
  }))
}

/** Most severe first, then by time; findings without a time last within their severity. */
function order(a: Finding, b: Finding): number {
  const s = severityRank(b.severity) - severityRank(a.severity)
  if (s !== 0) return s
  // Ties go in correlation's fixed order: files with one mtime come back from workers in any order.
  if (a.time && b.time) return a.time < b.time ? -1 : a.time > b.time ? 1 : arrival(a, b)
  return a.time ? -1 : b.time ? 1 : a.id.localeCompare(b.id)
}

export function decide(input: DecideInput): Decided {
  const plants = loadCveInfo(input.contentRoot).flatMap((c) => c.plants)
  const findings = correlate(input.findings, { plants }).sort(order)
  const exposure = input.build
    ? exposureFor(loadBuildTable(input.contentRoot), input.build.build, input.build.source)
    : null
  const { verdict, reasons } = decideVerdict(findings, exposure, {
    ...(input.examined ? { examined: input.examined } : {}),
    ...(input.unread ? { unread: input.unread } : {}),
    ...(input.incomplete ? { incomplete: input.incomplete } : {}),
  })
  const entries = coverageEntries(input.summaries)
  if (input.webfiles) {
    entries.push({
      logType: 'webfiles',
      files: input.webfiles.files,
      bytes: input.webfiles.bytes,
      lines: 0,
    })
  }
  return {
    verdict,
    reasons,
    findings,
    timeline: buildTimeline(findings),
    coverage: {
      entries,
      warnings: coverageWarnings(entries, windowsFromContent(input.contentRoot), {
        ...(exposure ? { missingCves: exposure.missing.map((m) => m.cve) } : {}),
      }),
      ...(input.unread?.length ? { unread: input.unread } : {}),
    },
    exposure,
  }
}
