// An .evtx file as a stream of chunk batches: the 4 KiB file header, then 64 KiB chunks read one at a
// time into one reused buffer (constant memory, whatever the file's size). Every chunk the file holds
// is read, also past the header's chunk count (a dirty file's header lags behind its chunks; python-evtx
// and omerbenamram/evtx read them too). Damage is one ItemError per chunk; nothing here throws for bad bytes.
import { crc32 } from 'node:zlib'
import type { EventRecord } from '../../shared/event-record.ts'
import type { ItemError } from '../../shared/types.ts'
import type { ArtefactRef } from '../artefact.ts'
import { readChunks } from '../open.ts'
import { u16, u32, u64 } from './bytes.ts'
import { CHUNK_SIZE, type ChunkProblem, isChunkMagic, parseChunk, type RawRecord } from './chunk.ts'
import { toEventRecord } from './record.ts'

export const FILE_HEADER_SIZE = 0x1000
const FILE_MAGIC = 'ElfFile\0'

export interface EvtxFileHeader {
  /** The magic and size are right: the file is an EVTX file. */
  readonly valid: boolean
  readonly chunkCount: number
  readonly nextRecordId: number | string
  readonly major: number
  readonly minor: number
  readonly flags: number
  /** Flag 0x1: the log was not closed cleanly (its header may lag behind its chunks). */
  readonly dirty: boolean
  /** Flag 0x4: chunks keep no CRC32 (so checksums are not checked). */
  readonly noChecksums: boolean
  /** What is wrong with the header, if anything. */
  readonly problem?: string
}

export function parseFileHeader(buf: Uint8Array): EvtxFileHeader {
  const bad = (problem: string): EvtxFileHeader => ({
    valid: false,
    chunkCount: 0,
    nextRecordId: 0,
    major: 0,
    minor: 0,
    flags: 0,
    dirty: false,
    noChecksums: false,
    problem,
  })
  if (buf.length < 128) return bad(`${buf.length} bytes: too short for an EVTX file header`)
  const magic = String.fromCharCode(...buf.subarray(0, 8))
  if (magic !== FILE_MAGIC) return bad('not an EVTX file (no "ElfFile" magic)')
  const flags = u32(buf, 120)
  const head = {
    valid: true,
    chunkCount: u16(buf, 42),
    nextRecordId: u64(buf, 24),
    minor: u16(buf, 36),
    major: u16(buf, 38),
    flags,
    dirty: (flags & 1) !== 0,
    noChecksums: (flags & 4) !== 0,
  }
  const want = u32(buf, 124)
  const got = crc32(buf.subarray(0, 120))
  if (got !== want)
    return {
      ...head,
      problem: `file header checksum 0x${got.toString(16)} is not 0x${want.toString(16)}`,
    }
  return head
}

/** What one chunk gave: records in file order, and at most one error for the whole chunk. */
export interface ChunkBatch {
  /** Chunk number (0 is the first chunk after the file header); -1 for the file header itself. */
  readonly index: number
  readonly fileOffset: number
  readonly raw: readonly RawRecord[]
  readonly records: readonly EventRecord[]
  readonly error?: ItemError
}

const KIND_CODE: Record<ChunkProblem['kind'], string> = {
  truncated: 'EXH_ERR_EVTX_TRUNCATED',
  chunk: 'EXH_ERR_EVTX_CHUNK',
  record: 'EXH_ERR_EVTX_RECORD',
  checksum: 'EXH_ERR_EVTX_CHECKSUM',
}
const KIND_ORDER: ChunkProblem['kind'][] = ['truncated', 'chunk', 'record', 'checksum']

function chunkError(
  path: string,
  index: number,
  fileOffset: number,
  problems: readonly ChunkProblem[],
): ItemError {
  const kind = KIND_ORDER.find((k) => problems.some((p) => p.kind === k)) ?? 'record'
  const shown = problems.slice(0, 3).map((p) => p.message)
  const more = problems.length > 3 ? ` (+${problems.length - 3} more)` : ''
  return {
    code: KIND_CODE[kind],
    path,
    message: `chunk ${index} at 0x${fileOffset.toString(16)}: ${shown.join('; ')}${more}`,
  }
}

export interface ParseChunkInput {
  /** Display path for records and errors. */
  readonly path: string
  readonly index: number
  /** The chunk's offset in the file. */
  readonly fileOffset: number
  /** From the file header (flag 0x4 clear). */
  readonly checksums: boolean
  /** The file header was unreadable: a chunk without the chunk magic is then not reported. */
  readonly quietMagic?: boolean
  /** Also recover whole records from slack space (ChunkOptions.recover). */
  readonly recover?: boolean
}

/**
 * One chunk's bytes → its EventRecords and at most one error. Pure and self-contained, so worker pools
 * can parse chunks of one file (or many files) in parallel: they need only the chunk and this input.
 */
export function parseEvtxChunk(chunk: Uint8Array, input: ParseChunkInput): ChunkBatch {
  const res = parseChunk(chunk, { checksums: input.checksums, recover: input.recover === true })
  const problems = input.quietMagic && !res.used ? [] : [...res.problems]
  const raw: RawRecord[] = []
  const records: EventRecord[] = []
  for (const r of res.records) {
    const source = { path: input.path, offset: input.fileOffset + r.at, chunk: input.index }
    try {
      const rec = toEventRecord(r, source)
      // Slack bytes that parse but hold no event (a fragment of an overwritten template): not a record.
      if (r.recovered && rec.provider === '' && rec.eventId === 0) continue
      records.push(rec)
      raw.push(r)
    } catch (e) {
      if (r.recovered) continue
      // A tree that parsed but cannot be walked (the node budget): damaged, still counted.
      const why = e instanceof Error ? e.message : String(e)
      problems.push({
        kind: 'record',
        at: r.at,
        message: `record ${r.recordId} at 0x${r.at.toString(16)}: ${why}`,
      })
      const d: RawRecord = {
        at: r.at,
        recordId: r.recordId,
        written: r.written,
        nodes: [],
        damaged: why,
      }
      records.push(toEventRecord(d, source))
      raw.push(d)
    }
  }
  const batch: ChunkBatch = {
    index: input.index,
    fileOffset: input.fileOffset,
    raw,
    records,
  }
  return problems.length
    ? { ...batch, error: chunkError(input.path, input.index, input.fileOffset, problems) }
    : batch
}

/**
 * Chunk batches of an EVTX byte stream (any piece sizes). The file header comes first as a batch of
 * index -1 when it has a problem. Bytes are copied into one 64 KiB buffer, reused for every chunk.
 */
export interface ReadEvtxOptions {
  /** Also yield whole records found in slack space, flagged `recovered` (off by default). */
  readonly recover?: boolean
}

export async function* readEvtx(
  bytes: AsyncIterable<Uint8Array>,
  path: string,
  opts: ReadEvtxOptions = {},
): AsyncGenerator<ChunkBatch> {
  const recover = opts.recover === true
  const buf = new Uint8Array(CHUNK_SIZE)
  let fill = 0
  let header: EvtxFileHeader | undefined
  let index = 0
  let fileOffset = FILE_HEADER_SIZE
  let checksums = true
  let quietMagic = false
  const headerBatch = (h: EvtxFileHeader): ChunkBatch | undefined =>
    h.problem
      ? {
          index: -1,
          fileOffset: 0,
          raw: [],
          records: [],
          error: { code: 'EXH_ERR_EVTX_HEADER', path, message: h.problem },
        }
      : undefined
  for await (const piece of bytes) {
    let p = 0
    while (p < piece.length) {
      const want = (header ? CHUNK_SIZE : FILE_HEADER_SIZE) - fill
      const n = Math.min(want, piece.length - p)
      buf.set(piece.subarray(p, p + n), fill)
      fill += n
      p += n
      if (fill < (header ? CHUNK_SIZE : FILE_HEADER_SIZE)) continue
      if (!header) {
        header = parseFileHeader(buf.subarray(0, FILE_HEADER_SIZE))
        checksums = !header.noChecksums
        quietMagic = !header.valid
        const hb = headerBatch(header)
        if (hb) yield hb
      } else {
        yield parseEvtxChunk(buf, { path, index, fileOffset, checksums, quietMagic, recover })
        index++
        fileOffset += CHUNK_SIZE
      }
      fill = 0
    }
  }
  if (!header) {
    const hb = headerBatch(parseFileHeader(buf.subarray(0, fill)))
    if (hb) yield hb
    else
      yield {
        index: -1,
        fileOffset: 0,
        raw: [],
        records: [],
        error: {
          code: 'EXH_ERR_EVTX_TRUNCATED',
          path,
          message: `the file ends inside its header (${fill} bytes of ${FILE_HEADER_SIZE})`,
        },
      }
    return
  }
  // A truncated last chunk: its complete records are still read.
  if (fill > 0 && (!quietMagic || isChunkMagic(buf))) {
    yield parseEvtxChunk(buf.subarray(0, fill), {
      path,
      index,
      fileOffset,
      checksums,
      quietMagic,
      recover,
    })
  }
}

/** An artefact (file, zip entry, gzip) as chunk batches; plain files through one reused buffer. */
export function readEvtxRef(
  ref: ArtefactRef,
  path: string,
  opts: ReadEvtxOptions = {},
): AsyncGenerator<ChunkBatch> {
  return readEvtx(readChunks(ref, CHUNK_SIZE), path, opts)
}

/** Convenience: a file on disk. */
export function readEvtxFile(
  fsPath: string,
  path = fsPath,
  opts: ReadEvtxOptions = {},
): AsyncGenerator<ChunkBatch> {
  return readEvtxRef({ type: 'file', fsPath }, path, opts)
}

/** Every record and error of a file, in order (for tests and small files; the hunt streams batches). */
export async function readAllEvtx(
  fsPath: string,
  path = fsPath,
  opts: ReadEvtxOptions = {},
): Promise<{ records: EventRecord[]; errors: ItemError[] }> {
  const records: EventRecord[] = []
  const errors: ItemError[] = []
  for await (const b of readEvtxFile(fsPath, path, opts)) {
    for (const r of b.records) records.push(r)
    if (b.error) errors.push(b.error)
  }
  return { records, errors }
}
