// Scans web files: read (capped, read-only), hash, allowlist, YARA on the raw bytes, heuristics on the
// decoded text, IOCs; one finding per suspicious file. With `workers` > 1 the files go in batches to
// worker threads that each compile the content once (webfile-pool.ts); otherwise they are scanned here,
// reading the next files while the current one is matched.
import type { CompiledYara } from '../content/yara/load-yara.ts'
import { compileYaraSources } from '../content/yara/load-yara.ts'
import type { Ioc } from '../detect/ioc/index.ts'
import type { Baseline } from '../detect/webfile/baseline-check.ts'
import type { CompiledHeuristics } from '../detect/webfile/heuristics.ts'
import { toItemError } from '../shared/errors.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import type { WorkerPool } from './pool.ts'
import { openResultCache, type ResultCacheConfig } from './result-cache.ts'
import type { WebWorkerData } from './webfile-job.ts'
import { scanWebFilesInWorkers, webWorkerAvailable } from './webfile-pool.ts'
import { partlyScanned, readStreamCapped, readWebFile } from './webfile-read.ts'
import {
  type IocFileInput,
  scanWebFileBytes,
  type WebFileMeta,
  type WebScanEngine,
  type WebScanParts,
  webScanEngine,
  yaraNotCompiled,
} from './webfile-scan.ts'

export type { IocFileInput } from './webfile-scan.ts'

export interface FileScanContext {
  /** Its scanner may be null with `sources` set (loadYara `compile: false`): compiled where it is used. */
  yara: CompiledYara
  heuristics: CompiledHeuristics
  baseline: Baseline
  /** From the IOC engine, may be absent. Used on this thread; workers rebuild it from `iocs`. */
  iocFile?: (file: IocFileInput, emit: (f: Finding) => void) => void
  maxFileBytes: number
  /** Files read ahead at once on this thread (default 4). */
  concurrency?: number
  /** Worker threads (default 1: scan on this thread). */
  workers?: number
  /** The IOCs behind `iocFile`, for the workers to compile. */
  iocs?: readonly Ioc[]
  /**
   * Workers kept by a runner (hunter.ts). Used for any number of files once they hold (or are
   * compiling) this content; otherwise only when there is enough work, as for workers of its own.
   */
  pool?: () => WorkerPool
  /** Whether `pool` has this content already (compiled, or warmed before discovery). */
  poolWarm?: boolean
  /** Stops the scan between files (and between batches in workers). */
  signal?: AbortSignal
  /** Per batch in workers: over it, the worker is replaced and the batch's files get EXH_ERR_JOB_TIMEOUT. */
  jobTimeoutMs?: number
  /** `--cache DIR`: per-content results kept across hunts (result-cache.ts). */
  cache?: ResultCacheConfig
  /** What `pool` was warmed with when it differs from `webWorkerData` (a rule subset for these files). */
  workerData?: WebWorkerData
}

export interface FileScanSink {
  finding(f: Finding): void
  error(e: ItemError): void
  progress?(bytes: number): void
}

/** Below this much work, starting workers (each compiling ~700 YARA rules) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 200
const MIN_BYTES_FOR_WORKERS = 4 * 1024 * 1024

/** Whether this context can scan on worker threads at all (enough cores, the worker entry, plain data). */
export function canUseWorkers(ctx: FileScanContext): boolean {
  if ((ctx.workers ?? 1) < 2 || !webWorkerAvailable()) return false
  if (ctx.iocFile && !ctx.iocs) return false
  // A scanner handed over without its sources cannot be rebuilt in a worker.
  return !(ctx.yara.scanner && ctx.yara.sources.length === 0)
}

/** Enough work that several workers, each compiling the rules, pay off. */
export function worthWorkers(artefacts: readonly Artefact[]): boolean {
  const bytes = artefacts.reduce((n, a) => n + a.size, 0)
  return artefacts.length >= MIN_FILES_FOR_WORKERS || bytes >= MIN_BYTES_FOR_WORKERS
}

function useWorkers(artefacts: readonly Artefact[], ctx: FileScanContext): boolean {
  if (!canUseWorkers(ctx)) return false
  // Workers that hold this content already: a scan here would only compile the same rules again.
  if (ctx.pool && ctx.poolWarm) return true
  return worthWorkers(artefacts)
}

function localEngine(ctx: FileScanContext, sink: FileScanSink): WebScanEngine {
  if (!ctx.yara.scanner && ctx.yara.sources.length > 0) {
    try {
      ctx.yara.scanner = compileYaraSources(ctx.yara.sources)
    } catch (err) {
      sink.error(yaraNotCompiled(err))
      ctx.yara.sources = []
    }
  }
  const parts: WebScanParts = {
    scanner: ctx.yara.scanner,
    yaraRules: ctx.yara.rules,
    heuristics: ctx.heuristics,
    baseline: ctx.baseline,
    yaraFilters: ctx.yara.filters,
  }
  if (ctx.iocFile) parts.iocFile = ctx.iocFile
  if (ctx.cache) parts.resultCache = openResultCache(ctx.cache)
  return webScanEngine(parts)
}

async function scanHere(
  artefacts: readonly Artefact[],
  ctx: FileScanContext,
  sink: FileScanSink,
): Promise<{ files: number; bytes: number; cut: number }> {
  if (ctx.signal?.aborted) return { files: 0, bytes: 0, cut: artefacts.length }
  const engine = localEngine(ctx, sink)
  let next = 0
  let files = 0
  let bytes = 0
  const reader = async () => {
    while (next < artefacts.length && !ctx.signal?.aborted) {
      const a = artefacts[next++] as Artefact
      try {
        const errors: ItemError[] = []
        let data: Buffer
        let meta: WebFileMeta = a
        if (a.size > ctx.maxFileBytes) {
          // Too large to scan whole: its head (hashed) and tail are scanned, its name and path checked.
          const read = await readWebFile(a.ref, a.path, a.size, ctx.maxFileBytes, () => a.open())
          data = read.bytes
          meta = { ...a, fullSize: a.size, headBytes: read.headBytes ?? data.length }
          errors.push(toItemError(partlyScanned(a.path, a.size, ctx.maxFileBytes, read), a.path))
        } else {
          data = await readStreamCapped(a.open(), a.path, ctx.maxFileBytes)
        }
        sink.progress?.(data.length)
        const f = scanWebFileBytes(engine, meta, data, errors)
        for (const e of errors) sink.error(e)
        if (f) sink.finding(f)
        files++
        bytes += data.length
      } catch (err) {
        sink.error(toItemError(err, a.path))
      }
    }
  }
  const n = Math.max(1, Math.min(ctx.concurrency ?? 4, artefacts.length))
  await Promise.all(Array.from({ length: n }, reader))
  return { files, bytes, cut: artefacts.length - next }
}

/** What each worker compiles: plain data from the context. */
export function webWorkerData(ctx: FileScanContext): WebWorkerData {
  const data: WebWorkerData = {
    yaraSources: ctx.yara.sources,
    yaraRules: ctx.yara.rules,
    yaraFilters: ctx.yara.filters,
    heuristics: { rules: ctx.heuristics.rules },
    baseline: ctx.baseline,
    iocs: ctx.iocs ?? [],
    maxFileBytes: ctx.maxFileBytes,
  }
  if (ctx.cache) data.cache = ctx.cache
  return data
}

/** Scans every artefact; a file that cannot be read becomes an error and the scan goes on. */
export async function scanWebFiles(
  artefacts: readonly Artefact[],
  ctx: FileScanContext,
  sink: FileScanSink,
): Promise<{ files: number; bytes: number; cut: number }> {
  if (!useWorkers(artefacts, ctx)) return scanHere(artefacts, ctx, sink)
  const data = ctx.workerData ?? webWorkerData(ctx)
  const pooled = await scanWebFilesInWorkers(artefacts, data, sink, ctx.workers ?? 1, undefined, {
    ...(ctx.pool ? { pool: ctx.pool() } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.jobTimeoutMs ? { jobTimeoutMs: ctx.jobTimeoutMs } : {}),
  })
  const done = { files: pooled.files, bytes: pooled.bytes, cut: pooled.cut }
  if (pooled.left.length === 0) return done
  const here = await scanHere(pooled.left, ctx, sink)
  return {
    files: done.files + here.files,
    bytes: done.bytes + here.bytes,
    cut: done.cut + here.cut,
  }
}
