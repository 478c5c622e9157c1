// File half of the hunt: web shells (YARA, heuristics, known-good baseline, IOCs) and the
// post-exploitation artefacts attackers leave elsewhere (dumps, staged archives, IIS config, tasks).
import { join } from 'node:path'
import { loadArtefactRules } from '../content/artefacts/load-artefact-rules.ts'
import { loadBaselines } from '../content/baseline/load-baseline.ts'
import { contentIssueErrors } from '../content/issues.ts'
import { loadHeuristics } from '../content/webfile/load-heuristics.ts'
import { type CompiledYara, loadYara } from '../content/yara/load-yara.ts'
import { compileIocs, type Ioc, type IocMatcher } from '../detect/ioc/index.ts'
import type { Baseline } from '../detect/webfile/baseline-check.ts'
import type { CompiledHeuristics } from '../detect/webfile/heuristics.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import type { Evidence } from '../sources/discover.ts'
import type { LaneAccess } from './lanes.ts'
import { defaultWorkers, type WorkerPool } from './pool.ts'
import type { HuntOptions } from './run.ts'
import { scanArtefacts } from './scan-artefacts.ts'
import { canUseWorkers, type FileScanContext, scanWebFiles, webWorkerData } from './scan-files.ts'

export interface FilesOutcome {
  files: number
  bytes: number
  /** Artefacts looked at for post-exploitation traces (dumps, archives, IIS config, tasks). */
  artefacts: number
  rules: number
  /** Web files and artefacts an abort left unread. */
  cut: number
}

/** The web-file content, loaded once, possibly before discovery. */
export interface WebContent {
  yara: CompiledYara
  heuristics: CompiledHeuristics
  baseline: Baseline
  /** Heuristic and baseline problems (YARA's are in `yara.skipped`). */
  problems: ItemError[]
}

/** Content problems, in the order the hunt always reported them. */
function contentErrors(c: WebContent): ItemError[] {
  const skipped: ItemError[] = c.yara.skipped.map((s) => ({
    code: 'EXH_ERR_CONTENT',
    path: s.file,
    message: `YARA rules skipped: ${s.reason}`,
  }))
  return [...skipped, ...contentIssueErrors(c.yara.issues), ...c.problems]
}

/** The YARA rules (checked by yara-x file by file), heuristics and baselines. */
function loadWebContent(root: string, baselines: readonly string[] = []): WebContent {
  // Worker threads compile their own scanners; this thread only validates (and compiles if it scans).
  const yara = loadYara(root, [], { compile: false })
  const problems: ItemError[] = []
  const heuristics = loadHeuristics(root)
  for (const p of heuristics.problems) {
    problems.push({ code: 'EXH_ERR_CONTENT', path: 'content/rules/webfile', message: String(p) })
  }
  const baseline = loadBaselines([join(root, 'baselines'), ...baselines])
  problems.push(...baseline.errors.filter((e) => e.code !== 'EXH_ERR_BASELINE_EMPTY'))
  return { yara, heuristics, baseline: baseline.baseline, problems }
}

type FilesOptions = HuntOptions & {
  contentRoot: string
  maxFileBytes: number
  iocs: readonly Ioc[]
}

/** Content, and the runner's workers when it has them (warmed with it when `warm`). */
export interface PreparedFiles {
  content: WebContent
  iocs: IocMatcher
  pool?: () => WorkerPool
  /** The pool holds, or is compiling, this content. */
  warm: boolean
}

function scanContext(opts: FilesOptions, prep: PreparedFiles): FileScanContext {
  const ctx: FileScanContext = {
    yara: prep.content.yara,
    heuristics: prep.content.heuristics,
    baseline: prep.content.baseline,
    iocFile: (file, e) => prep.iocs.matchFile(file, e),
    iocs: opts.iocs,
    maxFileBytes: opts.maxFileBytes,
    workers: opts.workers ?? defaultWorkers(),
  }
  if (prep.pool) ctx.pool = prep.pool
  ctx.poolWarm = prep.warm
  if (opts.signal) ctx.signal = opts.signal
  if (opts.jobTimeoutMs) ctx.jobTimeoutMs = opts.jobTimeoutMs
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
): PreparedFiles {
  const prep: PreparedFiles = {
    content: loadWebContent(opts.contentRoot, opts.baselines),
    iocs: compileIocs(opts.iocs),
    warm: false,
  }
  if (!lane) return prep
  const pool = () => lane.get()
  const ctx = scanContext(opts, { ...prep, pool })
  // canUseWorkers only adds checks the content always passes.
  if (!canUseWorkers(ctx)) return prep
  prep.pool = pool
  const data = webWorkerData(ctx)
  if (lane.peek()?.has('webfile', data)) prep.warm = true
  else if (warm) {
    lane.get().warm('webfile', data)
    prep.warm = true
  }
  return prep
}

export async function huntFiles(
  evidence: Evidence,
  /** `iocs`: shipped and `--ioc` indicators, loaded (and their problems reported) once by run.ts. */
  opts: FilesOptions,
  emit: (f: Finding) => void,
  errors: ItemError[],
  prepared?: PreparedFiles,
): Promise<FilesOutcome> {
  const root = opts.contentRoot
  const webfiles = evidence.artefacts.filter((a) => a.kind === 'webfile')
  if (opts.signal?.aborted && !prepared) {
    // Cut short before the files: no content is loaded, every web file is counted as unread.
    return { files: 0, bytes: 0, artefacts: 0, rules: 0, cut: webfiles.length }
  }
  const prep = prepared ?? prepareFiles(opts, undefined, false)
  errors.push(...contentErrors(prep.content))
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
  iocs.flush(emit)

  const artefactRules = loadArtefactRules(root)
  errors.push(...contentIssueErrors(artefactRules.issues))
  const art = await scanArtefacts(
    evidence.artefacts.filter((a) => a.kind !== 'log' && a.kind !== 'evtx' && a.kind !== 'binary'),
    { rules: artefactRules.rules, ...(opts.signal ? { signal: opts.signal } : {}) },
    { finding: emit, error: (e) => errors.push(e) },
  )
  return {
    files: web.files,
    bytes: web.bytes,
    artefacts: art.files,
    cut: web.cut + art.cut,
    rules: yara.rules.size + heuristics.rules.length + artefactRules.rules.rules.length,
  }
}
