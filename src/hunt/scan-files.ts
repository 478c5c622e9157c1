// Scans web files: read (capped, read-only), hash, allowlist, YARA on the raw bytes, heuristics on the
// decoded text, IOCs; one finding per suspicious file. YARA runs on libuv's thread pool (scanAsync), so a
// few files in flight keep both cores busy while the next files are read.
import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { CompiledYara } from '../content/yara/load-yara.ts'
import { yaraVariables } from '../content/yara/load-yara.ts'
import { type Baseline, baselineHits, isKnownGood } from '../detect/webfile/baseline-check.ts'
import { decodeText } from '../detect/webfile/decode.ts'
import type { CompiledHeuristics } from '../detect/webfile/heuristics.ts'
import { heuristicHits } from '../detect/webfile/heuristics.ts'
import { type WebHit, webFileInfo } from '../detect/webfile/hit.ts'
import { type ScannedFile, webFileFinding } from '../detect/webfile/web-finding.ts'
import { locate } from '../detect/webfile/web-path.ts'
import { type YaraMatchLike, yaraHits } from '../detect/yara/yara-hits.ts'
import { ExhuntError, toItemError } from '../shared/errors.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'

export interface IocFileInput {
  path: string
  windowsPath?: string
  sha256: string
  sha1: string
  md5: string
  size: number
}

export interface FileScanContext {
  yara: CompiledYara
  heuristics: CompiledHeuristics
  baseline: Baseline
  /** From the IOC engine, may be absent. */
  iocFile?: (file: IocFileInput, emit: (f: Finding) => void) => void
  maxFileBytes: number
  /** Files in flight at once (default 4). */
  concurrency?: number
}

export interface FileScanSink {
  finding(f: Finding): void
  error(e: ItemError): void
  progress?(bytes: number): void
}

export const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024

function tooLarge(a: Artefact, max: number): ExhuntError {
  return new ExhuntError(
    'EXH_ERR_FILE_TOO_LARGE',
    `${a.path} is larger than the ${max}-byte web-file limit; not scanned (raise --max-file-size)`,
    { item: a.path },
  )
}

async function readCapped(a: Artefact, max: number): Promise<Buffer> {
  if (a.size > max) throw tooLarge(a, max)
  const stream: Readable = a.open()
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length
      if (total > max) throw tooLarge(a, max)
      chunks.push(chunk as Buffer)
    }
  } finally {
    stream.destroy()
  }
  return Buffer.concat(chunks, total)
}

function hashes(bytes: Buffer): { sha256: string; sha1: string; md5: string } {
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sha1: createHash('sha1').update(bytes).digest('hex'),
    md5: createHash('md5').update(bytes).digest('hex'),
  }
}

async function runYara(
  ctx: FileScanContext,
  bytes: Buffer,
  transcoded: Buffer | undefined,
  vars: Record<string, string>,
): Promise<YaraMatchLike[]> {
  const scanner = ctx.yara.scanner
  if (!scanner) return []
  const first = (await scanner.scanAsync(bytes, vars)) as YaraMatchLike[]
  if (!transcoded) return first
  // A UTF-16 page hides from ASCII signatures; scan its UTF-8 form too.
  const seen = new Set(first.map((m) => m.ruleIdentifier))
  const second = (await scanner.scanAsync(transcoded, vars)) as YaraMatchLike[]
  return [...first, ...second.filter((m) => !seen.has(m.ruleIdentifier))]
}

function iocHits(f: Finding): WebHit {
  const hit: WebHit = {
    rule: f.rule,
    title: f.title,
    severity: f.severity,
    source: f.ruleSource,
    reasons: f.reasons?.length ? f.reasons : [f.title],
    cves: f.cves,
    attack: f.attack,
  }
  return hit
}

async function scanOne(a: Artefact, ctx: FileScanContext, sink: FileScanSink): Promise<number> {
  const bytes = await readCapped(a, ctx.maxFileBytes)
  sink.progress?.(bytes.length)
  const h = hashes(bytes)
  if (isKnownGood(ctx.baseline, h.sha256)) return bytes.length
  const info = webFileInfo(a.path, a.windowsPath, bytes.length)
  const loc = locate(a.path, a.windowsPath)
  const decoded = decodeText(bytes)
  const transcoded = decoded.encoding === 'utf-8' ? undefined : Buffer.from(decoded.text, 'utf8')
  const hits: WebHit[] = []
  try {
    const matches = await runYara(ctx, bytes, transcoded, yaraVariables(a.path, a.windowsPath))
    hits.push(...yaraHits(matches, ctx.yara.rules))
  } catch (err) {
    sink.error(toItemError(err, a.path, 'EXH_ERR_YARA_SCAN'))
  }
  const text = decoded.text
  hits.push(
    ...heuristicHits(ctx.heuristics, { file: info, bytes, text, lower: text.toLowerCase() }),
  )
  if (ctx.iocFile) {
    const input: IocFileInput = { path: a.path, ...h, size: bytes.length }
    if (a.windowsPath) input.windowsPath = a.windowsPath
    ctx.iocFile(input, (f) => hits.push(iocHits(f)))
  }
  hits.push(...baselineHits(ctx.baseline, info, loc))
  const file: ScannedFile = { path: a.path, size: bytes.length, ...h, encoding: decoded.encoding }
  if (a.windowsPath) file.windowsPath = a.windowsPath
  if (a.mtime) file.mtime = a.mtime
  if (a.ctime) file.ctime = a.ctime
  if (a.btime) file.btime = a.btime
  const finding = webFileFinding(hits, file, loc)
  if (finding) sink.finding(finding)
  return bytes.length
}

/** Scans every artefact; a file that cannot be read becomes an error and the scan goes on. */
export async function scanWebFiles(
  artefacts: readonly Artefact[],
  ctx: FileScanContext,
  sink: FileScanSink,
): Promise<{ files: number; bytes: number }> {
  let next = 0
  let files = 0
  let bytes = 0
  const worker = async () => {
    while (next < artefacts.length) {
      const a = artefacts[next++] as Artefact
      try {
        bytes += await scanOne(a, ctx, sink)
        files++
      } catch (err) {
        sink.error(toItemError(err, a.path))
      }
    }
  }
  const n = Math.max(1, Math.min(ctx.concurrency ?? 4, artefacts.length))
  await Promise.all(Array.from({ length: n }, worker))
  return { files, bytes }
}
