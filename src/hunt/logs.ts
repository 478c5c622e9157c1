// Log half of the hunt: every log artefact goes to the worker pool; aggregates finish on this thread.

import { contentIssueErrors } from '../content/issues.ts'
import type { Content } from '../content/load.ts'
import { type NativeEngine, nativeEngine } from '../detect/native/engine.ts'
import type { AggregateObservation } from '../detect/native/match.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import type { LogFileSummary } from '../sources/logs/index.ts'
import type { LogDetectorConfig } from './log-detectors.ts'
import type { LogJob, LogJobResult } from './log-job.ts'
import { defaultWorkers, runPool } from './pool.ts'
import type { HuntOptions } from './run.ts'

/** Young generation of a log worker, MiB (three semi-spaces of 2 MiB; see huntLogs). */
const LOG_YOUNG_GENERATION_MB = 6

export interface LogsOutcome {
  files: number
  bytes: number
  lines: number
  records: number
  summaries: LogFileSummary[]
  workers: number
  rules: number
}

export async function huntLogs(
  artefacts: readonly Artefact[],
  opts: Omit<HuntOptions, 'content'> & { content: Content },
  emit: (f: Finding) => void,
  errors: ItemError[],
): Promise<LogsOutcome> {
  const jobs: LogJob[] = artefacts
    .filter((a) => a.kind === 'log')
    .map((a) => ({ ref: a.ref, path: a.path, size: a.size }))
    // Biggest first, so one huge file does not start last and hold up the end.
    .sort((a, b) => b.size - a.size)
  const total = jobs.reduce((n, j) => n + j.size, 0)
  const workers = Math.min(opts.workers ?? defaultWorkers(), Math.max(1, jobs.length))
  const summaries: LogFileSummary[] = []
  const observations: AggregateObservation[] = []
  let done = 0
  // The workers boot while this thread compiles its own copy of the rules for the aggregates; they get
  // the parsed content (loaded once by the caller, who reported its problems) as their init message.
  let init: (config: LogDetectorConfig) => void = () => {}
  let fail: (err: Error) => void = () => {}
  const pool = runLogPool(
    new Promise<LogDetectorConfig>((resolve, reject) => {
      init = resolve
      fail = reject
    }),
  )
  let compiled: NativeEngine
  try {
    const rules = opts.content.nativeRules
    if (!rules) throw new Error('content was loaded without its log rules')
    init({ maxLineBytes: opts.maxLineBytes, parsed: { rules, iocs: opts.content.iocs.all } })
    // This thread compiles its own copy for the aggregates meanwhile.
    compiled = nativeEngine.compile({ rules })
    errors.push(...contentIssueErrors(compiled.issues))
  } catch (err) {
    // Workers waiting for content that will not come are ended; the content error is the one reported.
    fail(err as Error)
    await pool.catch(() => {})
    throw err
  }
  await pool

  for (const f of compiled.finishAggregates(observations)) emit(f)
  return {
    files: jobs.length,
    bytes: summaries.reduce((n, s) => n + s.bytes, 0),
    lines: summaries.reduce((n, s) => n + s.lines, 0),
    records: summaries.reduce((n, s) => n + s.records, 0),
    summaries,
    workers,
    rules: compiled.rules,
  }

  function runLogPool(config: Promise<LogDetectorConfig>): Promise<void> {
    return runPool<LogJob, LogJobResult | Error>({
      workerUrl: new URL(
        import.meta.url.endsWith('.ts') ? './log-worker.ts' : './log-worker.mjs',
        import.meta.url,
      ),
      workerData: null,
      init: config,
      jobs,
      size: workers,
      // A log worker allocates short-lived strings at a high rate and V8 would grow each isolate's
      // young generation to ~48 MiB for that: with two workers, most of the 256 MB budget (issue 3
      // §6). A small young generation keeps RSS flat and scavenges cheap.
      resourceLimits: { maxYoungGenerationSizeMb: LOG_YOUNG_GENERATION_MB },
      signal: opts.signal,
      onMessage(msg) {
        const job = jobs[msg.jobIndex]
        if (msg.type === 'error' || msg.data instanceof Error) {
          const err = msg.data as Error
          errors.push({
            code: 'EXH_ERR_WORKER',
            path: job?.path ?? '?',
            message: err?.message ?? String(err),
          })
          return
        }
        const data = msg.data
        for (const f of data.findings) emit(f)
        if (msg.type === 'result') {
          if (data.summary) summaries.push(data.summary)
          for (const o of data.observations) observations.push(o)
          errors.push(...data.errors)
          done += job?.size ?? 0
          opts.onProgress?.({ phase: 'logs', done, total, unit: 'bytes' })
        }
      },
    })
  }
}
