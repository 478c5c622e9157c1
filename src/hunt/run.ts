// The hunt: discover evidence, read logs on all cores, scan files, then decide.
// Library API behind `exhunt hunt`; the CLI only renders what this returns.
import { statSync } from 'node:fs'
import { reportAdvice } from '../analysis/advice.ts'
import { contentIssueErrors } from '../content/issues.ts'
import { type LoadedContent, loadContent } from '../content/load.ts'
import { contentRoot as defaultContentRoot } from '../content/root.ts'
import { ExhuntError } from '../shared/errors.ts'
import { type IdScope, scopedFindingId } from '../shared/finding-id.ts'
import {
  type EvidenceDigest,
  type Finding,
  HUNT_SCHEMA,
  type HuntReport,
  type ItemError,
} from '../shared/types.ts'
import { VERSION } from '../shared/version.ts'
import { DEFAULT_MAX_FILE_BYTES, discoverEvidence, type Evidence } from '../sources/discover.ts'
import { detectBuild } from './build.ts'
import { type CutShort, cutShort } from './cut-short.ts'
import { decide } from './decide.ts'
import { examinedFrom } from './examined.ts'
import { huntFiles, prepareFiles, webPoolSizeFor } from './files.ts'
import { createFolder } from './fold.ts'
import { createLanes, type Lanes } from './lanes.ts'
import { huntLogs } from './logs.ts'
import { defaultWorkers } from './pool.ts'
import { worthWorkers } from './scan-files.ts'
import { fileDigest, identifyTarget, listingDigest } from './target.ts'
import { examinedCounts, unreadEntries } from './unread.ts'

export interface HuntProgress {
  phase: 'discover' | 'logs' | 'files'
  done: number
  total: number
  unit: 'bytes' | 'files'
}

export interface HuntOptions {
  input: string
  /**
   * Content loaded once by the caller (`loadContent`), e.g. for many hunts: its issues are reported in
   * each report. Without it the hunt loads `contentRoot` with `iocFiles` and `baselines`.
   */
  content?: LoadedContent
  contentRoot?: string
  /** User IOC feeds (`--ioc FILE`); ignored with `content`. */
  iocFiles?: string[]
  /** Known-good hash lists (`--baseline FILE|DIR`), e.g. NCC Group's per-build Exchange lists; ignored with `content`. */
  baselines?: string[]
  workers?: number
  /** Web files larger than this are skipped with an error entry. */
  maxFileBytes?: number
  maxLineBytes?: number
  /** What to hunt through; both by default. */
  only?: ReadonlyArray<'logs' | 'files'>
  /**
   * The input's digest when the caller has it already (a service that stored the upload by its
   * SHA-256): reported as is, and the zip is not hashed again.
   */
  evidenceDigest?: EvidenceDigest
  /** Folder of the persistent web-file result cache (`--cache DIR`, hunt/result-cache.ts); never inside `input`. */
  cache?: string
  onFinding?(f: Finding): void
  onProgress?(p: HuntProgress): void
  /** Stops the hunt: discovery, every scan and the running workers; the report is marked incomplete. */
  signal?: AbortSignal
  /** Stops the hunt after this long, as `signal` does (reason `timeout`). */
  timeoutMs?: number
  /** Per worker job (one log file, one batch of web files): over it, the item gets EXH_ERR_JOB_TIMEOUT. */
  jobTimeoutMs?: number
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** A positive integer count, or every core: a NaN or non-positive count would start no worker. */
export function workerCount(n: number | undefined): number {
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : defaultWorkers()
}

/** One hunt on workers of its own, ended when it is done (createHunter keeps them across hunts). */
export async function hunt(given: HuntOptions): Promise<HuntReport> {
  const lanes = createLanes(workerCount(given.workers), false)
  try {
    return await huntOn(given, lanes)
  } finally {
    await lanes.close()
  }
}

/** A hunt on the given worker lanes (a runner's, kept; or a one-shot hunt's). */
export async function huntOn(given: HuntOptions, lanes: Lanes): Promise<HuntReport> {
  const cut = cutShort(given)
  try {
    return await huntWith(given, lanes, cut)
  } finally {
    cut.finish()
  }
}

async function huntWith(given: HuntOptions, lanes: Lanes, cut: CutShort): Promise<HuntReport> {
  // Checked once for both pools (`-j abc` through the library API; the CLI refuses it outright).
  const opts: HuntOptions = { ...given, workers: workerCount(given.workers), signal: cut.signal }
  const startedAt = new Date()
  const only = new Set(opts.only ?? ['logs', 'files'])
  // Loaded once: the log and file scans and the decision all take this object. A logs-only hunt leaves
  // YARA out (validating every rule file is most of the load), a files-only hunt the log rules.
  const loaded =
    opts.content ??
    loadContent(opts.contentRoot ?? defaultContentRoot(), {
      iocFiles: opts.iocFiles ?? [],
      baselines: opts.baselines ?? [],
      yara: only.has('files'),
      nativeRules: only.has('logs'),
      // No event logs are read in a hunt yet (the EVTX reader is wired later).
      sigma: false,
    })
  const { content } = loaded
  // A content object loaded for a narrower hunt lacks what this one needs: never hunt with a hole.
  if (only.has('files') && !content.yara) {
    throw new ExhuntError(
      'EXH_ERR_CONTENT',
      'content loaded with yara: false cannot hunt web files',
    )
  }
  if (only.has('logs') && !content.nativeRules) {
    throw new ExhuntError(
      'EXH_ERR_CONTENT',
      'content loaded with nativeRules: false cannot hunt logs',
    )
  }
  const errors: ItemError[] = []
  const findings: Finding[] = []
  const folder = createFolder()
  // Set once the evidence is listed, before any scan emits: every id is made in the target's scope.
  let scope: IdScope = { host: '', prefix: '' }
  const emit = (f: Finding) => {
    f.id = scopedFindingId(scope, f)
    if (!folder.add(f)) return
    findings.push(f)
    opts.onFinding?.(f)
  }

  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
  const filesOpts = { ...opts, content, maxFileBytes }
  // A files-only hunt of a folder gives its web-file workers the content first: their YARA compile
  // overlaps the walk. A hunt of logs and files gives it to them after discovery (below), so the
  // compile overlaps the logs.
  let early =
    only.has('files') && !only.has('logs') && isDirectory(opts.input)
      ? prepareFiles(filesOpts, lanes.web, true)
      : undefined

  opts.onProgress?.({ phase: 'discover', done: 0, total: 0, unit: 'files' })
  const evidence: Evidence = await discoverEvidence(opts.input, {
    maxFileBytes,
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  // Only an input that cannot be read at all fails the run; a single file that is merely too large
  // is an item error in an otherwise empty report.
  const fatal = evidence.errors.find(
    (e) => e.path === opts.input && e.code !== 'EXH_ERR_FILE_TOO_LARGE',
  )
  if (evidence.artefacts.length === 0 && fatal) {
    await evidence.close()
    throw new ExhuntError(fatal.code, fatal.message)
  }
  errors.push(...evidence.errors)
  // Every content problem, whatever --only says.
  errors.push(...contentIssueErrors(loaded.issues))

  // A zip or a single file is hashed beside the scans (its bytes are in the page cache by then).
  const digest: Promise<EvidenceDigest | undefined> = opts.evidenceDigest
    ? Promise.resolve(opts.evidenceDigest)
    : evidence.kind === 'directory'
      ? Promise.resolve(listingDigest(evidence.artefacts))
      : fileDigest(opts.input).catch(() => undefined)
  try {
    const target = await identifyTarget(evidence)
    scope = target.scope
    cut.enter('logs')
    const logsRun = only.has('logs')
      ? huntLogs(evidence.artefacts, { ...opts, content }, emit, errors, lanes.log)
      : undefined
    if (!early && logsRun && only.has('files') && !opts.signal?.aborted) {
      // YARA's compile (~0.5-1.4 s, one core) runs beside the log workers instead of after them: a
      // drive of logs and a few web files no longer waits for it at the end. One web worker for a
      // few files; a runner's workers may hold the content already.
      const webfiles = evidence.artefacts.filter((a) => a.kind === 'webfile')
      const size = webPoolSizeFor(webfiles, opts.workers ?? 1)
      // A few files on a one-shot worker: it compiles only the rules they can match.
      const subset =
        size === 1 && !lanes.persistent && !worthWorkers(webfiles) ? webfiles : undefined
      if (size > 0) early = prepareFiles(filesOpts, lanes.web, true, size, subset)
    }
    const logs = await logsRun
    await lanes.logsDone()
    cut.enter('files')
    const files = only.has('files')
      ? await huntFiles(
          evidence,
          filesOpts,
          emit,
          errors,
          early ??
            (opts.signal?.aborted
              ? undefined
              : // A runner's workers get the content once there are web files (and keep it).
                prepareFiles(
                  filesOpts,
                  lanes.web,
                  lanes.persistent && evidence.artefacts.some((a) => a.kind === 'webfile'),
                )),
        )
      : undefined
    cut.enter('build')
    const build = await detectBuild(evidence, logs?.summaries ?? [], errors, opts.signal)
    // Past this point the evidence is read: an abort no longer changes the report.
    const stopped = cut.finish()
    const incomplete = stopped && {
      ...stopped,
      unread: (logs?.cut ?? 0) + (files?.cut ?? 0),
    }
    const examined = examinedCounts(
      logs?.summaries ?? [],
      files ? { webFiles: files.files, artefacts: files.artefacts } : undefined,
    )
    const decided = decide({
      builds: content.builds,
      cves: content.cves,
      findings,
      summaries: logs?.summaries ?? [],
      webfiles: files ? { files: files.files, bytes: files.bytes } : undefined,
      build,
      examined: examinedFrom({
        artefacts: evidence.artefacts,
        summaries: logs?.summaries,
        webScanned: files !== undefined,
        logsRead: logs !== undefined,
        artefactsJudged: files?.artefacts ?? 0,
      }),
      unread: unreadEntries(evidence.artefacts, errors),
      ...(incomplete ? { incomplete } : {}),
    })
    const evidenceDigest = await digest
    const finishedAt = new Date()
    const advice = reportAdvice(
      {
        verdict: decided.verdict,
        findings: decided.findings,
        timeline: decided.timeline,
        exposure: decided.exposure,
      },
      content.advice,
    )
    return {
      schema: HUNT_SCHEMA,
      kind: 'hunt',
      tool: { name: 'exhunt', version: VERSION, contentVersion: content.version },
      target: {
        ...target.identity,
        ...(evidenceDigest ? { evidence: evidenceDigest } : {}),
      },
      input: { path: opts.input, kind: evidence.kind, layouts: evidence.layouts },
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      complete: !incomplete,
      ...(incomplete ? { incomplete } : {}),
      verdict: decided.verdict,
      verdictReasons: decided.reasons,
      advice,
      findings: decided.findings,
      timeline: decided.timeline,
      coverage: decided.coverage,
      exposure: decided.exposure,
      errors,
      stats: {
        files: (logs?.files ?? 0) + (files?.files ?? 0),
        bytes: (logs?.bytes ?? 0) + (files?.bytes ?? 0),
        lines: logs?.lines ?? 0,
        records: logs?.records ?? 0,
        findings: decided.findings.length,
        folded: decided.findings.reduce((n, f) => n + (f.folded ?? 0), 0),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        workers: logs?.workers ?? 0,
        rules: (logs?.rules ?? 0) + (files?.rules ?? 0),
        examined,
      },
    }
  } finally {
    await digest
    await evidence.close()
  }
}

export { DEFAULT_MAX_FILE_BYTES }
