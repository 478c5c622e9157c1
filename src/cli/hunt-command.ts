// `exhunt hunt PATH`: run the hunt, show progress on stderr, render, pick the exit code.
import { createWriteStream, writeFileSync } from 'node:fs'
import { loadAdvice } from '../content/advice.ts'
import { contentRoot } from '../content/root.ts'
import { DEFAULT_MAX_FILE_BYTES, hunt } from '../hunt/run.ts'
import { ndjsonLine, type ReportFormat, renderReport } from '../report/index.ts'
import type { HuntReport, Severity } from '../shared/types.ts'
import { severityRank } from '../shared/types.ts'
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_NO_EVIDENCE } from './exit-codes.ts'
import { createProgress } from './progress.ts'

export interface HuntCliOptions {
  format: ReportFormat
  output?: string
  ioc: string[]
  baseline: string[]
  failOn: Severity
  failOnExposure?: boolean
  only?: string[]
  workers?: number
  maxFileSize?: number
  content?: string
  verbose?: boolean
  progress: boolean
  color?: boolean
}

export function useColor(explicit: boolean | undefined, isTty: boolean): boolean {
  // https://no-color.org: NO_COLOR turns colour off unless a flag asks for it explicitly.
  if (explicit !== undefined) return explicit
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true
  return isTty
}

export function exitCodeFor(report: HuntReport, failOn: Severity, failOnExposure: boolean): number {
  const bar = severityRank(failOn)
  if (report.findings.some((f) => severityRank(f.severity) >= bar)) return EXIT_FINDINGS
  if (failOnExposure && report.exposure && report.exposure.missing.length > 0) return EXIT_FINDINGS
  if (report.verdict === 'no-evidence') return EXIT_NO_EVIDENCE
  return EXIT_CLEAN
}

export async function runHunt(path: string, o: HuntCliOptions): Promise<number> {
  for (const w of o.only ?? []) {
    if (w !== 'logs' && w !== 'files') {
      process.stderr.write(`exhunt: --only takes logs, files or both, not "${w}"\n`)
      return EXIT_ERROR
    }
  }
  const root = o.content ?? contentRoot()
  const progress = createProgress(
    o.progress && !!process.stderr.isTTY && !o.output?.startsWith('/dev/'),
  )
  // NDJSON streams each finding as it is found; the summary line closes the stream.
  const ndjsonOut =
    o.format === 'ndjson' ? (o.output ? createWriteStream(o.output) : process.stdout) : undefined
  let report: HuntReport
  try {
    report = await hunt({
      input: path,
      contentRoot: root,
      iocFiles: o.ioc,
      baselines: o.baseline,
      workers: o.workers,
      maxFileBytes: o.maxFileSize ?? DEFAULT_MAX_FILE_BYTES,
      only: o.only as Array<'logs' | 'files'> | undefined,
      onProgress: progress.update,
      onFinding: ndjsonOut ? (f) => ndjsonOut.write(`${ndjsonLine(f)}\n`) : undefined,
    })
  } finally {
    progress.stop()
  }
  if (ndjsonOut) {
    const summary = renderReport(report, 'ndjson', { summaryOnly: true })
    await new Promise<void>((resolve) => {
      if (ndjsonOut === process.stdout) ndjsonOut.write(summary, () => resolve())
      else ndjsonOut.end(summary, () => resolve())
    })
  } else {
    const color = o.format === 'text' && !o.output && useColor(o.color, !!process.stdout.isTTY)
    const text = renderReport(report, o.format, {
      color,
      verbose: o.verbose,
      width: process.stdout.columns,
      advice: loadAdvice(root),
    })
    if (o.output) writeFileSync(o.output, text)
    else await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()))
  }
  return exitCodeFor(report, o.failOn, !!o.failOnExposure)
}
