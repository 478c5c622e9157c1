// One web file's bytes through every check: hash, allowlist, YARA on the raw bytes (and the UTF-8 form of
// a UTF-16 page), heuristics on the decoded text, IOCs, baseline. Synchronous, so it runs the same on the
// main thread and in a worker (webfile-worker.ts), with one compiled scanner per thread.
import { createHash } from 'node:crypto'
import { yaraVariables } from '../content/yara/load-yara.ts'
import { type Baseline, baselineHits, isKnownGood } from '../detect/webfile/baseline-check.ts'
import { compiledPageUrls } from '../detect/webfile/compiled-page.ts'
import { type DecodedText, decodeText } from '../detect/webfile/decode.ts'
import { heuristicEngine } from '../detect/webfile/engine.ts'
import type { CompiledHeuristics } from '../detect/webfile/heuristics.ts'
import { type WebFileInput, type WebHit, webFileInfo } from '../detect/webfile/hit.ts'
import { type ScannedFile, webFileFinding } from '../detect/webfile/web-finding.ts'
import { locate } from '../detect/webfile/web-path.ts'
import type { YaraContextFilter } from '../detect/yara/context-filter.ts'
import { type YaraFileInput, type YaraScanFn, yaraEngine } from '../detect/yara/engine.ts'
import type { YaraMatchLike, YaraRuleInfo } from '../detect/yara/yara-hits.ts'
import type { EngineSession } from '../shared/engine.ts'
import { toItemError } from '../shared/errors.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import { clrView } from './clr-view.ts'

export interface IocFileInput {
  path: string
  windowsPath?: string
  /** Absent when only the first bytes of the file were read. */
  sha256?: string
  sha1?: string
  md5?: string
  size: number
}

/** The part of a yara-x scanner we call (structural, so tests and workers can pass their own). */
export interface YaraScanner {
  scan(data: Buffer, variables?: Record<string, string | number>): unknown[]
}

/** What one thread compiled for web files: today's content parts, before `webScanEngine` compiles them. */
export interface WebScanParts {
  scanner: YaraScanner | null
  yaraRules: Map<string, YaraRuleInfo>
  heuristics: CompiledHeuristics
  baseline: Baseline
  iocFile?: (file: IocFileInput, emit: (f: Finding) => void) => void
  /** content/rules/yara/context-filters.yml: lowers vendored-rule hits whose evidence is benign ASP.NET. */
  yaraFilters?: readonly YaraContextFilter[]
}

/** The web-file engines of one thread, compiled once, each run through the `Engine` interface. */
export interface WebScanEngine {
  yara: EngineSession<YaraFileInput, WebHit> | null
  heuristics: EngineSession<WebFileInput, WebHit>
  baseline: Baseline
  /** The IOC file engine's session (hashes, paths, names), or a caller's own matcher. */
  iocFile?: (file: IocFileInput, emit: (f: Finding) => void) => void
}

export function webScanEngine(p: WebScanParts): WebScanEngine {
  const { scanner } = p
  // yara-x wants a Buffer; a view over the same memory costs no copy.
  const scan: YaraScanFn | null = scanner
    ? (data, file) =>
        scanner.scan(
          Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
          yaraVariables(file.path, file.windowsPath),
        ) as YaraMatchLike[]
    : null
  const engine: WebScanEngine = {
    yara: scan
      ? yaraEngine.compile({ scan, rules: p.yaraRules, filters: p.yaraFilters ?? [] }).session()
      : null,
    heuristics: heuristicEngine.compile(p.heuristics).session(),
    baseline: p.baseline,
  }
  if (p.iocFile) engine.iocFile = p.iocFile
  return engine
}

/** Serialisable facts about the file, as the artefact carries them. */
export interface WebFileMeta {
  path: string
  windowsPath?: string
  mtime?: string
  ctime?: string
  btime?: string
  /**
   * Set for a file over the size limit: its whole size, while the bytes scanned are only its first ones
   * (`webfile-read.ts` readWebFile). They are hashed as such, never as the file.
   */
  fullSize?: number
  /** With `fullSize`: the bytes start with this many first bytes of the file (hashed), then its last ones. */
  headBytes?: number
}

/** Files that each validated can still clash together: the thread scans without YARA and says so once. */
export function yaraNotCompiled(err: unknown): ItemError {
  return {
    code: 'EXH_ERR_CONTENT',
    path: 'content/rules/yara',
    message: `YARA rules not compiled, web files scanned without them: ${(err as Error).message.split('\n')[0]}`,
  }
}

function hashes(bytes: Buffer): { sha256: string; sha1: string; md5: string } {
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sha1: createHash('sha1').update(bytes).digest('hex'),
    md5: createHash('md5').update(bytes).digest('hex'),
  }
}

function iocHit(f: Finding): WebHit {
  return {
    rule: f.rule,
    title: f.title,
    severity: f.severity,
    proves: f.proves,
    source: f.ruleSource,
    reasons: f.reasons?.length ? f.reasons : [f.title],
    cves: f.cves,
    attack: f.attack,
  }
}

/** What the first, YARA pass learnt about a file; `finishWebFile` turns it into the finding. */
export interface YaraPassed {
  hashes: { sha256: string; sha1: string; md5: string }
  decoded: DecodedText
  hits: WebHit[]
  /** For a compiled assembly: the pages it was compiled from. */
  compiledFrom?: string[]
}

/**
 * Hash, allowlist and decode: undefined for a known-good file, else a `YaraPassed` with no hits yet.
 * `headBytes`: only part of the file was read, starting with this many of its first bytes; those are
 * hashed, and no allowlist can hold such a hash.
 */
export function prepareWebFile(
  engine: WebScanEngine,
  bytes: Buffer,
  headBytes?: number,
): YaraPassed | undefined {
  const h = hashes(headBytes === undefined ? bytes : bytes.subarray(0, headBytes))
  if (headBytes === undefined && isKnownGood(engine.baseline, h.sha256)) return undefined
  const clr = clrView(bytes)
  if (clr) return { hashes: h, decoded: clr.decoded, hits: [], compiledFrom: clr.compiledFrom }
  return { hashes: h, decoded: decodeText(bytes), hits: [] }
}

/** YARA on the bytes (and the UTF-8 form of a UTF-16 page); a failure goes to `errors`. */
export function yaraScanFile(
  engine: WebScanEngine,
  meta: WebFileMeta,
  bytes: Buffer,
  passed: YaraPassed,
  errors: ItemError[],
): void {
  if (!engine.yara) return
  const { decoded } = passed
  const file = webFileInfo(meta.path, meta.windowsPath, bytes.length)
  try {
    engine.yara.match({ file, bytes, text: decoded.text, encoding: decoded.encoding }, (h) =>
      passed.hits.push(h),
    )
  } catch (err) {
    errors.push(toItemError(err, meta.path, 'EXH_ERR_YARA_SCAN'))
  }
}

/**
 * Hash, allowlist and YARA: undefined for a known-good file. A worker instead calls the two halves over
 * a whole batch (`prepareWebFile`, then `yaraScanFile` back to back), which keeps yara-x's tables in the
 * CPU caches.
 */
export function yaraPass(
  engine: WebScanEngine,
  meta: WebFileMeta,
  bytes: Buffer,
  errors: ItemError[],
): YaraPassed | undefined {
  const passed = prepareWebFile(
    engine,
    bytes,
    meta.fullSize === undefined ? undefined : (meta.headBytes ?? bytes.length),
  )
  if (passed) yaraScanFile(engine, meta, bytes, passed, errors)
  return passed
}

/** Heuristics on the decoded text, IOCs and baseline after `yaraPass`: the file's one finding, if any. */
export function finishWebFile(
  engine: WebScanEngine,
  meta: WebFileMeta,
  bytes: Buffer,
  passed: YaraPassed,
): Finding | undefined {
  const { hashes: h, decoded, hits } = passed
  const head = meta.fullSize !== undefined
  const size = meta.fullSize ?? bytes.length
  const info = webFileInfo(meta.path, meta.windowsPath, size)
  if (head) info.oversized = true
  const loc = locate(meta.path, meta.windowsPath)
  const text = decoded.text
  engine.heuristics.match(
    {
      file: info,
      bytes,
      text,
      lower: text.toLowerCase(),
      utf8: decoded.encoding === 'utf-8',
      encoding: decoded.encoding,
    },
    (h) => hits.push(h),
  )
  if (engine.iocFile) {
    // Name and path indicators still apply; a hash of the first bytes is no file hash.
    const input: IocFileInput = head
      ? { path: meta.path, size }
      : { path: meta.path, ...h, size: bytes.length }
    if (meta.windowsPath) input.windowsPath = meta.windowsPath
    engine.iocFile(input, (f) => hits.push(iocHit(f)))
  }
  hits.push(...baselineHits(engine.baseline, info, loc))
  const file: ScannedFile = head
    ? {
        path: meta.path,
        size,
        headSha256: h.sha256,
        headBytes: meta.headBytes ?? bytes.length,
        scannedBytes: bytes.length,
      }
    : { path: meta.path, size, ...h }
  file.encoding = decoded.encoding
  if (meta.windowsPath) file.windowsPath = meta.windowsPath
  if (meta.mtime) file.mtime = meta.mtime
  if (meta.ctime) file.ctime = meta.ctime
  if (meta.btime) file.btime = meta.btime
  if (passed.compiledFrom?.length) file.compiledFrom = passed.compiledFrom
  const urls = compiledPageUrls(
    meta.windowsPath ?? meta.path,
    passed.compiledFrom ?? [],
    info.ext === 'compiled' ? text : undefined,
  )
  if (urls.length) file.compiledUrls = urls
  return webFileFinding(hits, file, loc)
}

/** The file's one finding, if anything fired; a YARA failure is pushed to `errors` and the rest still runs. */
export function scanWebFileBytes(
  engine: WebScanEngine,
  meta: WebFileMeta,
  bytes: Buffer,
  errors: ItemError[],
): Finding | undefined {
  const passed = yaraPass(engine, meta, bytes, errors)
  return passed && finishWebFile(engine, meta, bytes, passed)
}
