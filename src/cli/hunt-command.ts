// `exhunt hunt PATH`: check what the user typed, run the hunt (or one hunt per zip of a folder of
// evidence zips), show progress on stderr, render, pick the exit code.
import type { BatchEntry } from '../analysis/batch-entry.ts'
import { type LoadedContent, loadContent } from '../content/load.ts'
import { contentRoot } from '../content/root.ts'
import { huntBatch } from '../hunt/batch.ts'
import { DEFAULT_MAX_FILE_BYTES, type HuntOptions, hunt } from '../hunt/run.ts'
import { batchNdjsonLine, renderBatch } from '../report/batch.ts'
import { ndjsonLine, type ReportFormat, renderReport } from '../report/index.ts'
import type { HuntReport, Severity } from '../shared/types.ts'
import { severityRank } from '../shared/types.ts'
import { planEvidence } from '../sources/evidence-plan.ts'
import { useColor } from './color.ts'
import {
  EXIT_CLEAN,
  EXIT_ERROR,
  EXIT_FINDINGS,
  EXIT_NO_EVIDENCE,
  worstExitCode,
} from './exit-codes.ts'
import { fileOutput, type Output, stdoutOutput } from './output.ts'
import { pickFormat } from './output-format.ts'
import { checkPaths } from './preflight.ts'
import { createProgress } from './progress.ts'
import { say } from './say.ts'
import { stopOnSignals } from './signals.ts'

export { useColor } from './color.ts'

export interface HuntCliOptions {
  /** Undefined: from the -o file name's extension, else text. */
  format?: ReportFormat
  output?: string
  ioc: string[]
  baseline: string[]
  failOn: Severity
  failOnExposure?: boolean
  only?: string[]
  workers?: number
  maxFileSize?: number
  content?: string
  /** `--cache DIR`: web-file results kept across hunts. */
  cache?: string
  verbose?: boolean
  progress: boolean
  color?: boolean
  /** Hunt PATH as one evidence even when it is a folder of evidence zips. */
  one?: boolean
  /** ms: the whole hunt (per zip of a batch), then a partial report marked incomplete. */
  timeout?: number
  /** ms: one worker job (a log file, a batch of web files). */
  jobTimeout?: number
}

export function exitCodeFor(report: HuntReport, failOn: Severity, failOnExposure: boolean): number {
  const bar = severityRank(failOn)
  if (report.findings.some((f) => severityRank(f.severity) >= bar)) return EXIT_FINDINGS
  if (failOnExposure && report.exposure && report.exposure.missing.length > 0) return EXIT_FINDINGS
  if (report.verdict === 'no-evidence') return EXIT_NO_EVIDENCE
  return EXIT_CLEAN
}

function usage(message: string): number {
  say(message)
  return EXIT_ERROR
}

export async function runHunt(path: string, o: HuntCliOptions): Promise<number> {
  for (const w of o.only ?? []) {
    if (w !== 'logs' && w !== 'files') return usage(`--only takes logs, files or both, not "${w}"`)
  }
  const choice = pickFormat(o.format, o.output)
  if ('error' in choice) return usage(choice.error)
  const problem = checkPaths(path, o)
  if (problem) return usage(problem)
  const out = o.output ? fileOutput(o.output) : stdoutOutput()
  if (typeof out === 'string') return usage(out)

  const progress = createProgress(
    o.progress && !!process.stderr.isTTY && !o.output?.startsWith('/dev/'),
  )
  const stop = stopOnSignals()
  try {
    // Loaded once for every hunt of a batch and for the report's advice.
    const content = loadContent(o.content ?? contentRoot(), {
      iocFiles: o.ioc,
      baselines: o.baseline,
      yara: !o.only || o.only.includes('files'),
      nativeRules: !o.only || o.only.includes('logs'),
      // No event logs are read in a hunt yet (the EVTX reader is wired later).
      sigma: false,
    })
    const opts: Omit<HuntOptions, 'input'> = {
      content,
      workers: o.workers,
      maxFileBytes: o.maxFileSize ?? DEFAULT_MAX_FILE_BYTES,
      only: o.only as Array<'logs' | 'files'> | undefined,
      ...(o.cache ? { cache: o.cache } : {}),
      onProgress: progress.update,
      signal: stop.signal,
      ...(o.timeout ? { timeoutMs: o.timeout } : {}),
      ...(o.jobTimeout ? { jobTimeoutMs: o.jobTimeout } : {}),
    }
    const plan = o.one ? { mode: 'one' as const } : planEvidence(path)
    return plan.mode === 'batch'
      ? await runBatch(path, plan.zips, choice.format, o, opts, out, content)
      : await runOne(path, choice.format, o, opts, out, content)
  } finally {
    stop.dispose()
    progress.stop()
    await out.close()
  }
}

async function runOne(
  path: string,
  format: ReportFormat,
  o: HuntCliOptions,
  opts: Omit<HuntOptions, 'input'>,
  out: Output,
  content: LoadedContent,
): Promise<number> {
  // NDJSON streams each finding as it is found; the summary line closes the stream.
  const report = await hunt({
    ...opts,
    input: path,
    onFinding: format === 'ndjson' ? (f) => out.write(`${ndjsonLine(f)}\n`) : undefined,
  })
  if (format === 'ndjson') out.write(renderReport(report, 'ndjson', { summaryOnly: true }))
  else out.write(renderReport(report, format, textOptions(format, o, out, content)))
  return exitCodeFor(report, o.failOn, !!o.failOnExposure)
}

async function runBatch(
  path: string,
  zips: string[],
  format: ReportFormat,
  o: HuntCliOptions,
  opts: Omit<HuntOptions, 'input'>,
  out: Output,
  content: LoadedContent,
): Promise<number> {
  const codes: number[] = []
  const entries = await huntBatch(zips, opts, (e: BatchEntry) => {
    if (e.error) {
      codes.push(EXIT_ERROR)
      say(`${e.path}: ${e.error.code}: ${e.error.message}`)
    }
    if (!e.report) return
    codes.push(exitCodeFor(e.report, o.failOn, !!o.failOnExposure))
    // One whole report per line, as each zip is done.
    if (format === 'ndjson') out.write(batchNdjsonLine(e.report))
  })
  if (format !== 'ndjson')
    out.write(
      renderBatch(entries, format, { ...textOptions(format, o, out, content), input: path }),
    )
  return worstExitCode(codes)
}

function textOptions(format: ReportFormat, o: HuntCliOptions, out: Output, content: LoadedContent) {
  const color = format === 'text' && !out.toFile && useColor(o.color, !!process.stdout.isTTY)
  return {
    color,
    verbose: o.verbose,
    width: out.toFile ? undefined : process.stdout.columns,
    advice: content.content.advice,
  }
}
