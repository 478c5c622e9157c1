// After all evidence is read: link findings, date the attack, judge coverage and exposure, and decide.

import { correlate } from '../analysis/correlate.ts'
import { coverageEntries, coverageWarnings, type ExposureWindow } from '../analysis/coverage.ts'
import type { Examined } from '../analysis/examined.ts'
import { bySeverityThenTime } from '../analysis/group.ts'
import { buildTimeline } from '../analysis/timeline.ts'
import { decideVerdict } from '../analysis/verdict.ts'
import { type CveInfo, windowStart } from '../content/builds/cves.ts'
import { type BuildCandidate, type BuildTable, exposureFor } from '../detect/exposure/index.ts'
import type {
  Coverage,
  Exposure,
  Finding,
  TimelineEntry,
  UnreadEntry,
  Verdict,
} from '../shared/types.ts'
import type { LogFileSummary } from '../sources/logs/index.ts'

export interface DecideInput {
  /** The build table and CVE families of the content the hunt loaded (content/load.ts). */
  builds: BuildTable
  cves: readonly CveInfo[]
  findings: Finding[]
  summaries: readonly LogFileSummary[]
  webfiles?: { files: number; bytes: number }
  build: BuildCandidate | null
  /** What could show exploitation was read (hunt/examined.ts); decides `no-evidence`. */
  examined?: Examined
  /** Recognised but not read (hunt/unread.ts): coverage.unread, named in the `no-evidence` reasons. */
  unread?: UnreadEntry[]
}

export interface Decided {
  verdict: Verdict
  reasons: string[]
  findings: Finding[]
  timeline: TimelineEntry[]
  coverage: Coverage
  exposure: Exposure | null
}

function exposureWindows(cves: readonly CveInfo[]): readonly ExposureWindow[] {
  return cves.map((c) => ({
    name: c.name,
    cves: c.cves,
    from: windowStart(c.firstExploited),
    patched: windowStart(c.patched),
  }))
}

export function decide(input: DecideInput): Decided {
  const plants = input.cves.flatMap((c) => c.plants)
  const findings = correlate(input.findings, { plants }).sort(bySeverityThenTime)
  const exposure = input.build
    ? exposureFor(input.builds, input.build.build, input.build.source)
    : null
  const { verdict, reasons } = decideVerdict(findings, exposure, {
    ...(input.examined ? { examined: input.examined } : {}),
    ...(input.unread ? { unread: input.unread } : {}),
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
      warnings: coverageWarnings(entries, exposureWindows(input.cves), {
        ...(exposure ? { missingCves: exposure.missing.map((m) => m.cve) } : {}),
      }),
      ...(input.unread?.length ? { unread: input.unread } : {}),
    },
    exposure,
  }
}
