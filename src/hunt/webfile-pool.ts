// Spreads web files over worker threads in batches; each worker compiles the content once
// (worker.ts → webfile-worker.ts). Findings and errors come back per batch, in no particular order.
import type { ItemError } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import { createWorkerPool, type WorkerPool, workerEntryAvailable } from './pool.ts'
import type { FileScanSink } from './scan-files.ts'
import type { WebFileItem, WebFileJob, WebFileJobResult, WebWorkerData } from './webfile-job.ts'
import type { WebFileMeta } from './webfile-scan.ts'

/** A batch closes at this many files or bytes, whichever comes first. */
const BATCH_FILES = 64
const BATCH_BYTES = 4 * 1024 * 1024

/** False when the worker entry is missing (a bundle built without it): scan on this thread instead. */
export function webWorkerAvailable(): boolean {
  return workerEntryAvailable()
}

function metaOf(a: Artefact): WebFileMeta {
  const m: WebFileMeta = { path: a.path }
  if (a.windowsPath) m.windowsPath = a.windowsPath
  if (a.mtime) m.mtime = a.mtime
  if (a.ctime) m.ctime = a.ctime
  if (a.btime) m.btime = a.btime
  return m
}

/** Web-file workers; a runner (hunter.ts) keeps them across hunts. */
export function createWebPool(workers: number, workerUrl?: URL): WorkerPool {
  return createWorkerPool({ size: workers, ...(workerUrl ? { workerUrl } : {}) })
}

/**
 * Files of one size next to each other, biggest first: copies of the same bytes then share a batch (or
 * follow on), so the worker that scans them keeps one result per digest (webfile-scan.ts) and a copy
 * is scanned at most once per worker, not once per path. Biggest first also evens out the workers' load.
 */
export function groupLikelyCopies(artefacts: readonly Artefact[]): Artefact[] {
  return artefacts
    .map((a, i) => ({ a, i }))
    .sort((x, y) => y.a.size - x.a.size || x.i - y.i)
    .map((x) => x.a)
}

/** Batches in the given order; a batch never holds more than BATCH_BYTES unless one file is bigger. */
export function webFileJobs(artefacts: readonly Artefact[]): WebFileJob[] {
  const jobs: WebFileJob[] = []
  let items: WebFileItem[] = []
  let bytes = 0
  for (const a of artefacts) {
    if (items.length > 0 && (items.length >= BATCH_FILES || bytes + a.size > BATCH_BYTES)) {
      jobs.push({ items })
      items = []
      bytes = 0
    }
    items.push({ ref: a.ref, meta: metaOf(a), size: a.size })
    bytes += a.size
  }
  if (items.length > 0) jobs.push({ items })
  return jobs
}

export interface WebScanRun {
  /** Workers kept by a runner (hunter.ts), already compiling; without them the scan starts its own. */
  pool?: WorkerPool
  signal?: AbortSignal
  jobTimeoutMs?: number
}

/**
 * Scans on `workers` threads, or on the `pool` given. `left` holds the artefacts of batches no worker
 * answered because no worker could start (the caller scans them itself); a batch whose worker died or
 * ran over its limit is reported per file; `cut` counts files an abort left unread.
 */
export async function scanWebFilesInWorkers(
  artefacts: readonly Artefact[],
  data: WebWorkerData,
  sink: FileScanSink,
  workers: number,
  workerUrl?: URL,
  run: WebScanRun = {},
): Promise<{ files: number; bytes: number; left: Artefact[]; cut: number }> {
  const ordered = groupLikelyCopies(artefacts)
  const jobs = webFileJobs(ordered)
  if (jobs.length === 0) return { files: 0, bytes: 0, left: [], cut: 0 }
  const own = run.pool ? undefined : createWebPool(Math.min(workers, jobs.length), workerUrl)
  const pool = run.pool ?? (own as WorkerPool)
  let files = 0
  let bytes = 0
  let cut = 0
  const seen = new Set<string>()
  const error = (e: ItemError) => {
    // Every worker reports a content problem it hits while starting; once is enough.
    if (e.code === 'EXH_ERR_CONTENT') {
      if (seen.has(e.message)) return
      seen.add(e.message)
    }
    sink.error(e)
  }
  let unanswered: number[] | undefined
  try {
    const outcome = await pool.run<WebFileJob, WebFileJobResult>({
      kind: 'webfile',
      content: data,
      jobs,
      ...(run.signal ? { signal: run.signal } : {}),
      ...(run.jobTimeoutMs ? { jobTimeoutMs: run.jobTimeoutMs } : {}),
      onMessage(msg) {
        const job = jobs[msg.jobIndex]
        if (msg.type !== 'result') {
          // The worker died or ran over its limit on this batch: every file in it is reported.
          const code = msg.type === 'timeout' ? 'EXH_ERR_JOB_TIMEOUT' : 'EXH_ERR_WORKER'
          for (const it of job?.items ?? []) {
            sink.error({ code, path: it.meta.path, message: msg.data?.message ?? String(msg.data) })
          }
          return
        }
        const r = msg.data
        for (const f of r.findings) sink.finding(f)
        for (const e of r.errors) error(e)
        files += r.files
        bytes += r.bytes
        cut += r.unscanned ?? 0
        sink.progress?.(r.bytes)
      },
    })
    // Unanswered after an abort: not read, and not to be scanned here either.
    for (const i of outcome.unanswered) cut += jobs[i]?.items.length ?? 0
  } catch (err) {
    sink.error({
      code: 'EXH_ERR_WORKER',
      path: 'webfile-worker',
      message: `a web-file worker did not start (${(err as Error).message}); its files are scanned on the main thread`,
    })
    unanswered = jobs.map((_, i) => i)
  } finally {
    await own?.close()
  }
  const left: Artefact[] = []
  const missing = new Set(unanswered ?? [])
  let at = 0
  jobs.forEach((job, i) => {
    if (missing.has(i)) left.push(...ordered.slice(at, at + job.items.length))
    at += job.items.length
  })
  return { files, bytes, left, cut }
}
