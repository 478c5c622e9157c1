// File half of the hunt: web shells (YARA, heuristics, known-good baseline, IOCs) and the
// post-exploitation artefacts attackers leave elsewhere (dumps, staged archives, IIS config, tasks).
import { resolve } from 'node:path'
import type { Content } from '../content/load.ts'
import type { CompiledYara } from '../content/yara/load-yara.ts'
import { type FileInfo, iocFileEngine } from '../detect/ioc/index.ts'
import type { Baseline } from '../detect/webfile/baseline-check.ts'
import type { CompiledHeuristics } from '../detect/webfile/heuristics.ts'
import type { EngineSession } from '../shared/engine.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import type { Evidence } from '../sources/discover.ts'
import type { LaneAccess } from './lanes.ts'
import { defaultWorkers, type WorkerPool } from './pool.ts'
import { cacheNamespace, pruneResultCache, type ResultCacheConfig } from './result-cache.ts'
import type { HuntOptions } from './run.ts'
import { scanArtefacts } from './scan-artefacts.ts'
import {
  canUseWorkers,
  type FileScanContext,
  scanWebFiles,
  webWorkerData,
  worthWorkers,
} from './scan-files.ts'
import type { WebWorkerData } from './webfile-job.ts'
import { webFileJobs } from './webfile-pool.ts'

export interface FilesOutcome {
  files: number
  bytes: number
  /** Artefacts looked at for post-exploitation traces (dumps, archives, IIS config, tasks). */
  artefacts: number
  rules: number
  /** Web files and artefacts an abort left unread. */
  cut: number
}

/** The web-file part of the content. */
export interface WebContent {
  yara: CompiledYara
  heuristics: CompiledHeuristics
  baseline: Baseline
}

/** YARA files yara-x skipped: the hunt runs without them, and says so (other content problems were
 * reported by run.ts with the rest of the content's issues). */
function skippedErrors(c: WebContent): ItemError[] {
  return c.yara.skipped.map((s) => ({
    code: 'EXH_ERR_CONTENT',
    path: s.file,
    message: `YARA rules skipped: ${s.reason}`,
  }))
}

function webContent(content: Content): WebContent {
  if (!content.yara) throw new Error('content was loaded without YARA')
  return { yara: content.yara, heuristics: content.heuristics, baseline: content.baseline }
}

type FilesOptions = Omit<HuntOptions, 'content'> & {
  content: Content
  maxFileBytes: number
}

/** Content, and the runner's workers when it has them (warmed with it when `warm`). */
export interface PreparedFiles {
  content: WebContent
  /** The IOC file engine's session (hashes, paths, names) for this thread. */
  iocs: EngineSession<FileInfo, Finding>
  pool?: () => WorkerPool
  /** The pool holds, or is compiling, this content. */
  warm: boolean
  cache?: ResultCacheConfig
  /** Problems found while preparing (a `--cache` folder refused), reported by `huntFiles`. */
  problems?: ItemError[]
  /** What the workers were warmed with, when it is not `webWorkerData` of the context (a subset). */
  workerData?: WebWorkerData
}

/**
 * `--cache DIR` as the scan uses it: namespaced by the content version and the rule texts, pruned to
 * its size bound once per hunt. A folder inside the evidence is refused (the evidence stays untouched).
 */
function resultCacheFor(opts: FilesOptions, prep: PreparedFiles): ResultCacheConfig | undefined {
  if (!opts.cache) return undefined
  const ev = resolve(opts.input)
  const dir = resolve(opts.cache)
  if (dir === ev || dir.startsWith(`${ev}/`)) {
    prep.problems ??= []
    prep.problems.push({
      code: 'EXH_ERR_CONTENT',
      path: opts.cache,
      message: `result cache not used: ${opts.cache} is inside the evidence`,
    })
    return undefined
  }
  pruneResultCache(dir)
  return {
    dir,
    // The content object's own stamp (computed per load): edited rules never read stale results.
    namespace: cacheNamespace(opts.content.version, prep.content.yara.sources),
  }
}

function scanContext(opts: FilesOptions, prep: PreparedFiles): FileScanContext {
  const ctx: FileScanContext = {
    yara: prep.content.yara,
    heuristics: prep.content.heuristics,
    baseline: prep.content.baseline,
    iocFile: (file, e) => prep.iocs.match(file, e),
    iocs: opts.content.iocs.all,
    maxFileBytes: opts.maxFileBytes,
    workers: opts.workers ?? defaultWorkers(),
  }
  if (prep.pool) ctx.pool = prep.pool
  ctx.poolWarm = prep.warm
  if (opts.signal) ctx.signal = opts.signal
  if (opts.jobTimeoutMs) ctx.jobTimeoutMs = opts.jobTimeoutMs
  if (prep.cache) ctx.cache = prep.cache
  if (prep.workerData) ctx.workerData = prep.workerData
  return ctx
}

/**
 * Loads the web-file content. With `warm`, the runner's workers get it now (when this machine would use
 * them), so their ~0.5 s YARA compile runs while discovery walks the evidence; workers that hold it
 * from an earlier hunt compile nothing.
 */
export function prepareFiles(
  opts: FilesOptions,
  lane: LaneAccess | undefined,
  warm: boolean,
  /** How many web workers a one-shot hunt starts (default: `opts.workers`); one is enough for a few files. */
  poolSize?: number,
  /**
   * The hunt's web files, when they are all it will scan with these workers (a one-shot hunt with a
   * few): the workers compile only the YARA rules these files can match (webfile-worker.ts).
   */
  subsetFor?: readonly Artefact[],
): PreparedFiles {
  const prep: PreparedFiles = {
    content: webContent(opts.content),
    iocs: iocFileEngine.compile(opts.content.iocs.all).session(),
    warm: false,
  }
  const cache = resultCacheFor(opts, prep)
  if (cache) prep.cache = cache
  if (!lane) return prep
  const pool = () => lane.get(poolSize)
  const ctx = scanContext(opts, { ...prep, pool })
  // canUseWorkers only adds checks the content always passes.
  if (!canUseWorkers(ctx)) return prep
  prep.pool = pool
  const data = webWorkerData(ctx)
  if (subsetFor?.length) {
    data.subsetFor = webFileJobs(subsetFor).flatMap((j) => j.items)
    prep.workerData = data
  }
  if (lane.peek()?.has('webfile', data)) prep.warm = true
  else if (warm) {
    lane.get(poolSize).warm('webfile', data)
    prep.warm = true
  }
  return prep
}

/**
 * Web-file workers worth starting for these web files while the logs are read: none without web files,
 * one for a few (it compiles YARA beside the log workers instead of after them), all for many.
 */
export function webPoolSizeFor(webfiles: readonly Artefact[], workers: number): number {
  if (webfiles.length === 0) return 0
  return worthWorkers(webfiles) ? workers : 1
}

export async function huntFiles(
  evidence: Evidence,
  /** `content`: loaded (and its problems reported) once by run.ts. */
  opts: FilesOptions,
  emit: (f: Finding) => void,
  errors: ItemError[],
  prepared?: PreparedFiles,
): Promise<FilesOutcome> {
  const webfiles = evidence.artefacts.filter((a) => a.kind === 'webfile')
  if (opts.signal?.aborted && !prepared) {
    // Cut short before the files: no content is loaded, every web file is counted as unread.
    return { files: 0, bytes: 0, artefacts: 0, rules: 0, cut: webfiles.length }
  }
  const prep = prepared ?? prepareFiles(opts, undefined, false)
  errors.push(...skippedErrors(prep.content), ...(prep.problems ?? []))
  const { yara, heuristics } = prep.content
  const iocs = prep.iocs

  let bytes = 0
  const total = webfiles.reduce((n, a) => n + a.size, 0)
  const web = await scanWebFiles(webfiles, scanContext(opts, prep), {
    finding: emit,
    error: (e) => errors.push(e),
    progress: (b) => {
      bytes += b
      opts.onProgress?.({ phase: 'files', done: bytes, total, unit: 'bytes' })
    },
  })
  iocs.finish(emit)

  const artefactRules = opts.content.artefactRules
  const art = await scanArtefacts(
    evidence.artefacts.filter((a) => a.kind !== 'log' && a.kind !== 'evtx' && a.kind !== 'binary'),
    { rules: artefactRules, ...(opts.signal ? { signal: opts.signal } : {}) },
    { finding: emit, error: (e) => errors.push(e) },
  )
  return {
    files: web.files,
    bytes: web.bytes,
    artefacts: art.files,
    cut: web.cut + art.cut,
    rules: yara.rules.size + heuristics.rules.length + artefactRules.rules.length,
  }
}
