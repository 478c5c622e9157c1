// Spreads web files over worker threads in batches; each worker compiles the content once
// (webfile-worker.ts). Findings and errors come back per batch, in no particular order.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ItemError } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import { type StartedPool, startPool } from './pool.ts'
import type { FileScanSink } from './scan-files.ts'
import type { WebFileItem, WebFileJob, WebFileJobResult, WebWorkerData } from './webfile-job.ts'
import type { WebFileMeta } from './webfile-scan.ts'

/** A batch closes at this many files or bytes, whichever comes first. */
const BATCH_FILES = 64
const BATCH_BYTES = 4 * 1024 * 1024

export function webWorkerUrl(): URL {
  return new URL(
    import.meta.url.endsWith('.ts') ? './webfile-worker.ts' : './webfile-worker.mjs',
    import.meta.url,
  )
}

/** False when the worker entry is missing (a bundle built without it): scan on this thread instead. */
export function webWorkerAvailable(): boolean {
  return existsSync(fileURLToPath(webWorkerUrl()))
}

function metaOf(a: Artefact): WebFileMeta {
  const m: WebFileMeta = { path: a.path }
  if (a.windowsPath) m.windowsPath = a.windowsPath
  if (a.mtime) m.mtime = a.mtime
  if (a.ctime) m.ctime = a.ctime
  if (a.btime) m.btime = a.btime
  return m
}

export type WebPool = StartedPool<WebFileJob, WebFileJobResult | Error>

/**
 * Starts `workers` web-file workers now: each compiles ~800 YARA rules (~0.5 s) while the caller goes on
 * (discovery, other content), then waits for `scanWebFilesInWorkers`. `data` may still be being made
 * (a promise): the threads boot meanwhile and get it as their 'init' message.
 */
export function startWebPool(
  data: WebWorkerData | Promise<WebWorkerData>,
  workers: number,
  workerUrl: URL = webWorkerUrl(),
): WebPool {
  return startPool({ workerUrl, workerData: undefined, init: Promise.resolve(data), size: workers })
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

/**
 * Scans on `workers` threads, or on the workers `started` early. `left` holds the artefacts of batches
 * no worker answered because a worker could not start (the caller scans them itself); a batch whose
 * worker died is reported per file.
 */
export async function scanWebFilesInWorkers(
  artefacts: readonly Artefact[],
  data: WebWorkerData,
  sink: FileScanSink,
  workers: number,
  workerUrl: URL = webWorkerUrl(),
  started?: WebPool,
): Promise<{ files: number; bytes: number; left: Artefact[] }> {
  const ordered = groupLikelyCopies(artefacts)
  const jobs = webFileJobs(ordered)
  if (jobs.length === 0) {
    await started?.close()
    return { files: 0, bytes: 0, left: [] }
  }
  const answered = new Uint8Array(jobs.length)
  let files = 0
  let bytes = 0
  const seen = new Set<string>()
  const error = (e: ItemError) => {
    // Every worker reports a content problem it hits while starting; once is enough.
    if (e.code === 'EXH_ERR_CONTENT') {
      if (seen.has(e.message)) return
      seen.add(e.message)
    }
    sink.error(e)
  }
  const pool = (started ?? startWebPool(data, Math.min(workers, jobs.length), workerUrl)).run(
    jobs,
    (msg) => {
      const job = jobs[msg.jobIndex]
      answered[msg.jobIndex] = 1
      if (msg.type === 'error' || msg.data instanceof Error) {
        // The worker died on this batch: every file in it is reported, none silently dropped.
        const message = (msg.data as Error)?.message ?? String(msg.data)
        for (const it of job?.items ?? []) {
          sink.error({ code: 'EXH_ERR_WORKER', path: it.meta.path, message })
        }
        return
      }
      const r = msg.data
      for (const f of r.findings) sink.finding(f)
      for (const e of r.errors) error(e)
      files += r.files
      bytes += r.bytes
      sink.progress?.(r.bytes)
    },
  )
  try {
    await pool
  } catch (err) {
    sink.error({
      code: 'EXH_ERR_WORKER',
      path: 'webfile-worker',
      message: `a web-file worker did not start (${(err as Error).message}); its files are scanned on the main thread`,
    })
  }
  const left: Artefact[] = []
  let at = 0
  jobs.forEach((job, i) => {
    if (!answered[i]) left.push(...ordered.slice(at, at + job.items.length))
    at += job.items.length
  })
  return { files, bytes, left }
}
