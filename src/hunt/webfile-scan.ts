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
import { heuristicPathKey } from '../detect/webfile/heuristics.ts'
import {
  type WebFileInfo,
  type WebFileInput,
  type WebHit,
  webFileInfo,
} from '../detect/webfile/hit.ts'
import { type ScannedFile, webFileFinding } from '../detect/webfile/web-finding.ts'
import { locate } from '../detect/webfile/web-path.ts'
import type { YaraContextFilter } from '../detect/yara/context-filter.ts'
import {
  type YaraFileInput,
  type YaraScanFn,
  type YaraScanPart,
  yaraEngine,
} from '../detect/yara/engine.ts'
import type { YaraMatchLike, YaraRuleInfo } from '../detect/yara/yara-hits.ts'
import type { EngineSession } from '../shared/engine.ts'
import { toItemError } from '../shared/errors.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import { clrView } from './clr-view.ts'
import type { ResultCache } from './result-cache.ts'

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

/**
 * A scanner split by what its rules read (load-yara.ts compileYaraSources): the content half is scanned
 * once per distinct content, the path half per file.
 */
export interface SplitYaraScanner extends YaraScanner {
  scanContent(data: Buffer): unknown[]
  scanPath(data: Buffer, variables?: Record<string, string | number>): unknown[]
  merge(content: readonly never[], path: readonly never[]): unknown[]
  readonly pathDependent: boolean
  pathKey?(variables: Record<string, string | number>): string
}

function isSplit(s: YaraScanner): s is SplitYaraScanner {
  return typeof (s as Partial<SplitYaraScanner>).scanContent === 'function'
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
  /** `--cache DIR`: results of the bytes alone, kept across hunts (result-cache.ts). */
  resultCache?: ResultCache
}

/** YARA matches of one half of the rules on a file's buffers: its bytes, and the UTF-8 form of a UTF-16 page. */
type PartMatches = Partial<Record<YaraScanPart, YaraMatchLike[]>>

/**
 * What a file's bytes alone gave, kept per SHA-256 for the engine's life (a hunt, or a long-lived
 * worker): identical files are decoded, YARA-scanned and heuristic-checked once. The engines still turn
 * every file's matches into hits (the YARA engine's context filters read the file's extension); what
 * reads the path (the YARA rules that read externals, IOCs, baseline names, location) runs per file, or
 * per answer to the rules' path tests.
 */
interface DigestMemo {
  encoding: DecodedText['encoding']
  compiledFrom?: string[]
  /** What the YARA engine's scans found with the content half of the rules. */
  yara?: PartMatches
  /** The heuristic engine's hits by `heuristicPathKey`. */
  heuristics: Record<string, WebHit[]>
  /** What the path half found, by its `pathKey`. */
  pathYara?: Record<string, PartMatches>
  /** The other digests of these bytes: a copy is hashed once more (SHA-256), not three times. */
  sha1?: string
  md5?: string
  /** The YARA engine's hits by `yaraHitsKey` (extension and answers to the path rules' tests). */
  yaraHits?: Record<string, WebHit[]>
}

/** Bound on digests kept in memory per engine (oldest dropped first). */
const MEMO_ENTRIES = 20_000
/** And on their estimated size: YARA matches of a web shell can hold thousands of excerpts. */
const MEMO_BYTES = 4 * 1024 * 1024

interface MemoState {
  memos: Map<string, DigestMemo>
  /** Digests whose memo changed since it was read from or written to `resultCache`. */
  dirty: Set<string>
  /** Estimated bytes per memo, and their sum. */
  sizes: Map<string, number>
  bytes: number
}

function matchesSize(ms: readonly YaraMatchLike[]): number {
  let n = 0
  for (const m of ms) {
    n += 256 + m.ruleIdentifier.length * 2
    for (const x of m.matches) n += 64 + x.data.length * 2 + x.identifier.length * 2
  }
  return n
}

function hitsSize(hits: readonly WebHit[]): number {
  let n = 0
  for (const h of hits) n += 512 + (h.excerpt?.length ?? 0) * 2
  return n
}

/** Adds to a memo's size and drops the oldest memos past the bounds (never the last one). */
function account(st: MemoState, sha256: string, add: number): void {
  st.sizes.set(sha256, (st.sizes.get(sha256) ?? 0) + add)
  st.bytes += add
  while ((st.bytes > MEMO_BYTES || st.memos.size > MEMO_ENTRIES) && st.memos.size > 1) {
    const oldest = st.memos.keys().next().value as string
    // Still dirty if its file is not finished: memoStore writes it from the file's own reference.
    st.memos.delete(oldest)
    st.bytes -= st.sizes.get(oldest) ?? 0
    st.sizes.delete(oldest)
  }
}

function partsSize(p: PartMatches | undefined): number {
  return matchesSize(p?.bytes ?? []) + matchesSize(p?.utf8 ?? [])
}

function memoSize(m: DigestMemo): number {
  let n = 256 + partsSize(m.yara)
  for (const p of Object.values(m.pathYara ?? {})) n += partsSize(p)
  for (const h of Object.values(m.heuristics)) n += hitsSize(h)
  for (const h of Object.values(m.yaraHits ?? {})) n += hitsSize(h)
  return n
}

// Keyed by the engine, so a memo lives and dies with the compiled content it came from.
const memoStates = new WeakMap<WebScanEngine, MemoState>()

function memoState(engine: WebScanEngine): MemoState {
  let st = memoStates.get(engine)
  if (!st) {
    st = { memos: new Map(), dirty: new Set(), sizes: new Map(), bytes: 0 }
    memoStates.set(engine, st)
  }
  return st
}

function isMemo(v: unknown): v is DigestMemo {
  if (typeof v !== 'object' || v === null) return false
  const m = v as Partial<DigestMemo>
  if (typeof m.encoding !== 'string' || typeof m.heuristics !== 'object' || m.heuristics === null)
    return false
  const matchesOk = (y: unknown) => {
    if (typeof y !== 'object' || y === null) return false
    const { bytes, utf8 } = y as Record<string, unknown>
    return (
      (bytes === undefined || Array.isArray(bytes)) && (utf8 === undefined || Array.isArray(utf8))
    )
  }
  if (m.yara !== undefined && !matchesOk(m.yara)) return false
  if (m.pathYara !== undefined && !Object.values(m.pathYara).every(matchesOk)) return false
  if (m.sha1 !== undefined && typeof m.sha1 !== 'string') return false
  if (m.md5 !== undefined && typeof m.md5 !== 'string') return false
  if (m.yaraHits !== undefined && !Object.values(m.yaraHits).every((h) => Array.isArray(h)))
    return false
  return m.compiledFrom === undefined || Array.isArray(m.compiledFrom)
}

function memoGet(engine: WebScanEngine, sha256: string): DigestMemo | undefined {
  const st = memoState(engine)
  const hit = st.memos.get(sha256)
  if (hit) return hit
  const stored = engine.resultCache?.get(sha256)
  // A cache entry of the wrong shape is treated as missing; the scan rewrites it.
  if (stored === undefined || !isMemo(stored)) return undefined
  memoPut(st, sha256, stored)
  return stored
}

function memoPut(st: MemoState, sha256: string, memo: DigestMemo): void {
  st.memos.set(sha256, memo)
  account(st, sha256, memoSize(memo))
}

function memoChanged(engine: WebScanEngine, sha256: string): void {
  if (engine.resultCache) memoState(engine).dirty.add(sha256)
}

/** Writes the memo of `sha256` to the persistent cache if this file added to it. */
function memoStore(engine: WebScanEngine, sha256: string, memo: DigestMemo): void {
  const st = memoStates.get(engine)
  if (!engine.resultCache || !st?.dirty.has(sha256)) return
  st.dirty.delete(sha256)
  engine.resultCache.set(sha256, memo)
}

/** The web-file engines of one thread, compiled once, each run through the `Engine` interface. */
export interface WebScanEngine {
  yara: EngineSession<YaraFileInput, WebHit> | null
  /**
   * The compiled rules split in their content and path halves (load-yara.ts), when they were: a file
   * read whole then gives the YARA engine a scan function that answers from its digest's memo.
   */
  yaraSplit?: SplitYaraScanner
  heuristics: EngineSession<WebFileInput, WebHit>
  /** What the heuristics can see of a file's place (heuristicPathKey): same bytes and key, same hits. */
  heuristicKey(file: WebFileInfo): string
  baseline: Baseline
  /** The IOC file engine's session (hashes, paths, names), or a caller's own matcher. */
  iocFile?: (file: IocFileInput, emit: (f: Finding) => void) => void
  /** `--cache DIR`: results of the bytes alone, kept across hunts (result-cache.ts). */
  resultCache?: ResultCache
}

/** yara-x wants a Buffer; a view over the same memory costs no copy. */
function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}

function fileVariables(file: WebFileInfo): Record<string, string> {
  return yaraVariables(file.path, file.windowsPath)
}

export function webScanEngine(p: WebScanParts): WebScanEngine {
  const { scanner } = p
  const scan: YaraScanFn | null = scanner
    ? (data, file) => scanner.scan(asBuffer(data), fileVariables(file)) as YaraMatchLike[]
    : null
  const engine: WebScanEngine = {
    yara: scan
      ? yaraEngine.compile({ scan, rules: p.yaraRules, filters: p.yaraFilters ?? [] }).session()
      : null,
    heuristics: heuristicEngine.compile(p.heuristics).session(),
    heuristicKey: (file) => heuristicPathKey(p.heuristics, file),
    baseline: p.baseline,
  }
  if (scanner && isSplit(scanner)) engine.yaraSplit = scanner
  if (p.iocFile) engine.iocFile = p.iocFile
  if (p.resultCache) engine.resultCache = p.resultCache
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

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

function otherHashes(bytes: Buffer): { sha1: string; md5: string } {
  return {
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
  /** Decoded on demand (`decodedOf`): a copy of content seen before may never need its text. */
  decoded?: DecodedText
  encoding: DecodedText['encoding']
  hits: WebHit[]
  /** For a compiled assembly: the pages it was compiled from. */
  compiledFrom?: string[]
  /** The whole file was read: its results are kept by digest. */
  memo?: DigestMemo
}

function decodedOf(passed: YaraPassed, bytes: Buffer): DecodedText {
  if (!passed.decoded) {
    const clr = clrView(bytes)
    passed.decoded = clr ? clr.decoded : decodeText(bytes)
  }
  return passed.decoded
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
  const hashed = headBytes === undefined ? bytes : bytes.subarray(0, headBytes)
  const sha256 = sha256Of(hashed)
  // Hash first: a known-good file is never decoded or scanned.
  if (headBytes === undefined && isKnownGood(engine.baseline, sha256)) return undefined
  const seen = headBytes === undefined ? memoGet(engine, sha256) : undefined
  let others: { sha1: string; md5: string }
  if (seen?.sha1 !== undefined && seen.md5 !== undefined)
    others = { sha1: seen.sha1, md5: seen.md5 }
  else {
    others = otherHashes(hashed)
    if (seen) {
      seen.sha1 = others.sha1
      seen.md5 = others.md5
      memoChanged(engine, sha256)
    }
  }
  const h = { sha256, ...others }
  if (seen) {
    const passed: YaraPassed = { hashes: h, encoding: seen.encoding, hits: [], memo: seen }
    if (seen.compiledFrom) passed.compiledFrom = seen.compiledFrom
    return passed
  }
  const clr = clrView(bytes)
  const decoded = clr ? clr.decoded : decodeText(bytes)
  const passed: YaraPassed = { hashes: h, decoded, encoding: decoded.encoding, hits: [] }
  if (clr) passed.compiledFrom = clr.compiledFrom
  if (headBytes === undefined) {
    const memo: DigestMemo = { encoding: decoded.encoding, heuristics: {}, ...others }
    if (clr) memo.compiledFrom = clr.compiledFrom
    memoPut(memoState(engine), h.sha256, memo)
    memoChanged(engine, h.sha256)
    passed.memo = memo
  }
  return passed
}

/**
 * The scan function the YARA engine gets for a file read whole: the same rules, the content half
 * answered once per digest and buffer, the path half per file, or once per answer to its path tests
 * (`pathKey`); both halves' matches merged in declaration order, as one scanner returns them.
 */
function memoYaraScan(
  engine: WebScanEngine,
  scanner: SplitYaraScanner,
  passed: YaraPassed,
): YaraScanFn | undefined {
  const memo = passed.memo
  if (!memo) return undefined
  const sha256 = passed.hashes.sha256
  const kept = (part: YaraScanPart, into: PartMatches, run: () => YaraMatchLike[]) => {
    let found = into[part]
    if (!found) {
      found = run()
      into[part] = found
      memoChanged(engine, sha256)
      account(memoState(engine), sha256, matchesSize(found))
    }
    return found
  }
  return (data, file, part) => {
    const buf = asBuffer(data)
    memo.yara ??= {}
    const content = kept(part, memo.yara, () => scanner.scanContent(buf) as YaraMatchLike[])
    if (!scanner.pathDependent) return content
    const vars = fileVariables(file)
    const key = scanner.pathKey?.(vars)
    const runPath = () => scanner.scanPath(buf, vars) as YaraMatchLike[]
    let path: YaraMatchLike[]
    if (key === undefined) path = runPath()
    else {
      memo.pathYara ??= {}
      memo.pathYara[key] ??= {}
      path = kept(part, memo.pathYara[key], runPath)
    }
    return scanner.merge(content as never[], path as never[]) as YaraMatchLike[]
  }
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
  const file = webFileInfo(meta.path, meta.windowsPath, bytes.length)
  // The text is decoded only if YARA reads it (a UTF-16 page): a copy seen before may never need it.
  const input: YaraFileInput = {
    file,
    bytes,
    encoding: passed.encoding,
    get text() {
      return decodedOf(passed, bytes).text
    },
  }
  const memoScan = engine.yaraSplit && memoYaraScan(engine, engine.yaraSplit, passed)
  if (memoScan) input.scan = memoScan
  // Same bytes, extension and answers to the path rules' tests: the same hits (the context filters
  // read the extension). Copies: a finding may be changed later without touching the memo.
  const memo = memoScan ? passed.memo : undefined
  const key = memo && engine.yaraSplit && yaraHitsKey(engine.yaraSplit, file, meta)
  const known = key === undefined ? undefined : memo?.yaraHits?.[key]
  if (known) {
    for (const x of known) passed.hits.push(structuredClone(x))
    return
  }
  const found: WebHit[] = []
  try {
    engine.yara.match(input, (h) => found.push(h))
  } catch (err) {
    passed.hits.push(...found)
    errors.push(toItemError(err, meta.path, 'EXH_ERR_YARA_SCAN'))
    return
  }
  if (memo && key !== undefined) {
    memo.yaraHits ??= {}
    memo.yaraHits[key] = found.map((x) => structuredClone(x))
    memoChanged(engine, passed.hashes.sha256)
    account(memoState(engine), passed.hashes.sha256, hitsSize(found))
  }
  passed.hits.push(...found)
}

/** What of a file's place the YARA engine reads: its extension, and the path rules' answers (if any). */
function yaraHitsKey(
  scanner: SplitYaraScanner,
  file: WebFileInfo,
  meta: WebFileMeta,
): string | undefined {
  if (!scanner.pathDependent) return file.ext
  const key = scanner.pathKey?.(yaraVariables(meta.path, meta.windowsPath))
  return key === undefined ? undefined : `${file.ext}\0${key}`
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
  const { hashes: h, hits } = passed
  const head = meta.fullSize !== undefined
  const size = meta.fullSize ?? bytes.length
  const info = webFileInfo(meta.path, meta.windowsPath, size)
  if (head) info.oversized = true
  const loc = locate(meta.path, meta.windowsPath)
  const memo = head ? undefined : passed.memo
  const key = memo && engine.heuristicKey(info)
  const known = key === undefined ? undefined : memo?.heuristics[key]
  if (known) {
    // The heuristic engine's hits for these bytes and these answers to its path tests, kept per digest.
    // Copies: the finding may be changed later (fold, correlation) without touching the memo.
    hits.push(...known.map((x) => structuredClone(x)))
  } else {
    const decoded = decodedOf(passed, bytes)
    const text = decoded.text
    const found: WebHit[] = []
    engine.heuristics.match(
      {
        file: info,
        bytes,
        text,
        lower: text.toLowerCase(),
        utf8: decoded.encoding === 'utf-8',
        encoding: decoded.encoding,
      },
      (x) => found.push(x),
    )
    if (memo && key !== undefined) {
      memo.heuristics[key] = found.map((x) => structuredClone(x))
      memoChanged(engine, h.sha256)
      account(memoState(engine), h.sha256, hitsSize(found))
    }
    hits.push(...found)
  }
  if (memo) memoStore(engine, h.sha256, memo)
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
  file.encoding = passed.encoding
  if (meta.windowsPath) file.windowsPath = meta.windowsPath
  if (meta.mtime) file.mtime = meta.mtime
  if (meta.ctime) file.ctime = meta.ctime
  if (meta.btime) file.btime = meta.btime
  if (passed.compiledFrom?.length) file.compiledFrom = passed.compiledFrom
  const urls = compiledPageUrls(
    meta.windowsPath ?? meta.path,
    passed.compiledFrom ?? [],
    info.ext === 'compiled' ? decodedOf(passed, bytes).text : undefined,
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
