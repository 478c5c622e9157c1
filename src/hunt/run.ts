// The hunt: discover evidence, read logs on all cores, scan files, then decide.
// Library API behind `exhunt hunt`; the CLI only renders what this returns.
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { iocContentFiles, loadIocs, mergeIocs } from '../content/ioc/load.ts'
import { loadIocProves } from '../content/ioc/proves.ts'
import { contentIssueErrors } from '../content/issues.ts'
import { contentRoot as defaultContentRoot } from '../content/root.ts'
import { ExhuntError } from '../shared/errors.ts'
import type { Finding, HuntReport, ItemError } from '../shared/types.ts'
import { VERSION } from '../shared/version.ts'
import { DEFAULT_MAX_FILE_BYTES, discoverEvidence, type Evidence } from '../sources/discover.ts'
import { detectBuild } from './build.ts'
import { contentVersion } from './content.ts'
import { decide } from './decide.ts'
import { examinedFrom } from './examined.ts'
import { closePrepared, huntFiles, prepareFiles, webPoolSizeFor } from './files.ts'
import { createFolder } from './fold.ts'
import { huntLogs } from './logs.ts'
import { defaultWorkers } from './pool.ts'
import { examinedCounts, unreadEntries } from './unread.ts'

export interface HuntProgress {
  phase: 'discover' | 'logs' | 'files'
  done: number
  total: number
  unit: 'bytes' | 'files'
}

export interface HuntOptions {
  input: string
  contentRoot?: string
  /** User IOC feeds (`--ioc FILE`). */
  iocFiles?: string[]
  /** Known-good hash lists (`--baseline FILE|DIR`), e.g. NCC Group's per-build Exchange lists. */
  baselines?: string[]
  workers?: number
  /** Web files larger than this are skipped with an error entry. */
  maxFileBytes?: number
  maxLineBytes?: number
  /** What to hunt through; both by default. */
  only?: ReadonlyArray<'logs' | 'files'>
  /** Folder of the persistent web-file result cache (`--cache DIR`, hunt/result-cache.ts); never inside `input`. */
  cache?: string
  onFinding?(f: Finding): void
  onProgress?(p: HuntProgress): void
  signal?: AbortSignal
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

export async function hunt(given: HuntOptions): Promise<HuntReport> {
  // Checked once for both pools: a NaN or non-positive count would start no worker and silently
  // read nothing (`-j abc` through the library API; the CLI refuses it outright).
  const opts: HuntOptions = {
    ...given,
    workers:
      given.workers !== undefined && Number.isInteger(given.workers) && given.workers > 0
        ? given.workers
        : defaultWorkers(),
  }
  const startedAt = new Date()
  const root = opts.contentRoot ?? defaultContentRoot()
  if (!existsSync(join(root, 'rules'))) {
    throw new ExhuntError(
      'EXH_ERR_CONTENT_MISSING',
      `no content at ${root} (expected ${join(root, 'rules')}); check --content`,
    )
  }
  const only = new Set(opts.only ?? ['logs', 'files'])
  const errors: ItemError[] = []
  const findings: Finding[] = []
  const folder = createFolder()
  const emit = (f: Finding) => {
    if (!folder.add(f)) return
    findings.push(f)
    opts.onFinding?.(f)
  }

  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
  // IOC sets are loaded here once: their problems are reported whatever --only says, and the log
  // and file scans both take the merged set.
  const shippedIocs = loadIocs(iocContentFiles(root), { user: false })
  // A user's indicators prove what the shipped table says their type proves.
  const userIocs = loadIocs(opts.iocFiles ?? [], {
    user: true,
    proves: loadIocProves(root).proves,
  })
  const filesOpts = {
    ...opts,
    contentRoot: root,
    maxFileBytes,
    iocs: mergeIocs(shippedIocs.iocs, userIocs.iocs),
  }
  // A files-only hunt of a folder starts its web-file workers first: their YARA compile overlaps the
  // walk. A hunt of logs and files starts them after discovery (below), so the compile overlaps the logs.
  let early =
    only.has('files') && !only.has('logs') && isDirectory(opts.input)
      ? prepareFiles(filesOpts, true)
      : undefined

  let evidence: Evidence
  try {
    opts.onProgress?.({ phase: 'discover', done: 0, total: 0, unit: 'files' })
    evidence = await discoverEvidence(opts.input, { maxFileBytes })
  } catch (err) {
    await closePrepared(early)
    throw err
  }
  // Only an input that cannot be read at all fails the run; a single file that is merely too large
  // is an item error in an otherwise empty report.
  const fatal = evidence.errors.find(
    (e) => e.path === opts.input && e.code !== 'EXH_ERR_FILE_TOO_LARGE',
  )
  if (evidence.artefacts.length === 0 && fatal) {
    await closePrepared(early)
    await evidence.close()
    throw new ExhuntError(fatal.code, fatal.message)
  }
  errors.push(...evidence.errors)
  errors.push(...contentIssueErrors([...shippedIocs.issues, ...userIocs.issues]))

  try {
    const logsRun = only.has('logs')
      ? huntLogs(
          evidence.artefacts,
          { ...opts, contentRoot: root, iocs: filesOpts.iocs },
          emit,
          errors,
        )
      : undefined
    if (!early && logsRun && only.has('files')) {
      // YARA's compile (~0.5-1.4 s, one core) runs beside the log workers instead of after them, and
      // the rules are validated here while those workers boot: a drive of logs and a few web files no
      // longer waits for it at the end. One web worker for a few files.
      const size = webPoolSizeFor(
        evidence.artefacts.filter((a) => a.kind === 'webfile'),
        opts.workers ?? 1,
      )
      if (size > 0) early = prepareFiles(filesOpts, true, size)
    }
    const logs = await logsRun
    const files = only.has('files')
      ? await huntFiles(evidence, filesOpts, emit, errors, early)
      : undefined
    const build = await detectBuild(evidence, logs?.summaries ?? [], errors)
    const examined = examinedCounts(
      logs?.summaries ?? [],
      files ? { webFiles: files.files, artefacts: files.artefacts } : undefined,
    )
    const decided = decide({
      contentRoot: root,
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
    })
    const finishedAt = new Date()
    return {
      schema: 'exhunt.hunt/1',
      tool: { name: 'exhunt', version: VERSION, contentVersion: contentVersion(root, VERSION) },
      input: { path: opts.input, kind: evidence.kind, layouts: evidence.layouts },
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      verdict: decided.verdict,
      verdictReasons: decided.reasons,
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
    await closePrepared(early)
    await evidence.close()
  }
}

export { DEFAULT_MAX_FILE_BYTES }
