// The hunt: discover evidence, read logs on all cores, scan files, then decide.
// Library API behind `exhunt hunt`; the CLI only renders what this returns.
import { statSync } from 'node:fs'
import { contentIssueErrors } from '../content/issues.ts'
import { type LoadedContent, loadContent } from '../content/load.ts'
import { contentRoot as defaultContentRoot } from '../content/root.ts'
import { ExhuntError } from '../shared/errors.ts'
import type { Finding, HuntReport, ItemError } from '../shared/types.ts'
import { VERSION } from '../shared/version.ts'
import { DEFAULT_MAX_FILE_BYTES, discoverEvidence, type Evidence } from '../sources/discover.ts'
import { detectBuild } from './build.ts'
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
  const emit = (f: Finding) => {
    if (!folder.add(f)) return
    findings.push(f)
    opts.onFinding?.(f)
  }

  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
  const filesOpts = { ...opts, content, maxFileBytes }
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
  // Every content problem, whatever --only says.
  errors.push(...contentIssueErrors(loaded.issues))

  try {
    const logsRun = only.has('logs')
      ? huntLogs(evidence.artefacts, { ...opts, content }, emit, errors)
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
    })
    const finishedAt = new Date()
    return {
      schema: 'exhunt.hunt/1',
      tool: { name: 'exhunt', version: VERSION, contentVersion: content.version },
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
