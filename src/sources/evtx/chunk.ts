// One 64 KiB chunk: header, checksums, then its records. Chunks are independent (each has its own
// string and template tables), so this function is all a worker needs to parse one: the file's
// bytes for that chunk and whether the file says checksums are kept.
// Layout: libyal/libevtx "Windows XML Event Log (EVTX)", "Chunk header" and "Event record".
import { crc32 } from 'node:zlib'
import { ChunkContext, type Node, parseFragment } from './binxml.ts'
import { EvtxParseError, u32, u64 } from './bytes.ts'
import { filetimeAt } from './values.ts'

export const CHUNK_SIZE = 0x10000
export const CHUNK_HEADER_SIZE = 512
const RECORD_MAGIC = 0x00002a2a
const RECORD_HEADER = 24

/** The kind of problem, which decides the EXH_ERR_EVTX_* code of the chunk's error. */
export type ProblemKind = 'chunk' | 'checksum' | 'record' | 'truncated'

export interface ChunkProblem {
  readonly kind: ProblemKind
  /** Offset within the chunk. */
  readonly at: number
  readonly message: string
}

export interface RawRecord {
  /** Offset of the record within its chunk. */
  readonly at: number
  readonly recordId: number | string
  /** The record header's write time (FILETIME, ISO). */
  readonly written: string
  readonly nodes: readonly Node[]
  /** Set when the record header is sound but its BinXML is not (a half-written record): why. */
  readonly damaged?: string
  /** Found in the chunk's slack space (past its last live record) by the opt-in recovery scan. */
  readonly recovered?: boolean
}

export interface ChunkResult {
  readonly records: RawRecord[]
  readonly problems: ChunkProblem[]
  /** false for an unused chunk (all zero) and for one whose magic is wrong. */
  readonly used: boolean
}

export interface ChunkOptions {
  /** The file header says checksums are kept (flag 0x4 "no CRC32" clear). Default true. */
  readonly checksums?: boolean
  /**
   * Also scan the slack space (after the last live record, up to the chunk's end) and chunks whose
   * header is damaged for whole records left there by earlier writes, as libevtx does for its
   * "recovered records". Off by default: python-evtx and Event Viewer show live records only.
   */
  readonly recover?: boolean
}

const MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00] // "ElfChnk\0"

export function isChunkMagic(buf: Uint8Array, pos = 0): boolean {
  for (let i = 0; i < 8; i++) if (buf[pos + i] !== MAGIC[i]) return false
  return true
}

function allZero(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to && i < buf.length; i++) if (buf[i] !== 0) return false
  return true
}

const hex = (n: number) => `0x${n.toString(16)}`

/**
 * Parse one chunk. `chunk` holds the chunk's bytes (CHUNK_SIZE, or fewer when the file is truncated).
 * Never throws: whatever cannot be read is a problem, and every record read before and after it is kept.
 */
export function parseChunk(chunk: Uint8Array, opts: ChunkOptions = {}): ChunkResult {
  const records: RawRecord[] = []
  const problems: ChunkProblem[] = []
  if (chunk.length < CHUNK_SIZE) {
    problems.push({
      kind: 'truncated',
      at: chunk.length,
      message: `chunk is ${chunk.length} bytes of ${CHUNK_SIZE}: the file is truncated`,
    })
  }
  if (!isChunkMagic(chunk)) {
    // An unused chunk of a pre-allocated file is zeros: not a problem.
    if (allZero(chunk, 0, CHUNK_HEADER_SIZE)) return { records, problems: [], used: false }
    problems.push({ kind: 'chunk', at: 0, message: 'bad chunk magic (not "ElfChnk")' })
    if (opts.recover) recoverSlack(chunk, new ChunkContext(chunk), CHUNK_HEADER_SIZE, records)
    return { records, problems, used: false }
  }
  if (chunk.length < CHUNK_HEADER_SIZE) return { records, problems, used: true }

  const freeSpace = u32(chunk, 48)
  if (opts.checksums !== false) {
    const want = u32(chunk, 124)
    const got = crc32(chunk.subarray(128, CHUNK_HEADER_SIZE), crc32(chunk.subarray(0, 120)))
    if (got !== want)
      problems.push({
        kind: 'checksum',
        at: 124,
        message: `chunk header checksum ${hex(got)} is not ${hex(want)}`,
      })
    if (freeSpace >= CHUNK_HEADER_SIZE && freeSpace <= chunk.length) {
      const dataWant = u32(chunk, 52)
      const dataGot = crc32(chunk.subarray(CHUNK_HEADER_SIZE, freeSpace))
      if (dataGot !== dataWant)
        problems.push({
          kind: 'checksum',
          at: 52,
          message: `records checksum ${hex(dataGot)} is not ${hex(dataWant)}`,
        })
    }
  }
  // Records run from the header to the free-space offset (python-evtx and evtxexport both stop there).
  // A damaged offset falls back to the chunk's end: each record is still checked on its own.
  const limit =
    freeSpace >= CHUNK_HEADER_SIZE && freeSpace <= chunk.length ? freeSpace : chunk.length
  // The last record's offset bounds the walk too: a damaged free-space offset must not make stale
  // records of the slack space look live.
  const last = u32(chunk, 44)
  const lastAt = last >= CHUNK_HEADER_SIZE && last < limit ? last : limit
  const ctx = new ChunkContext(chunk)
  let at = CHUNK_HEADER_SIZE
  while (at + RECORD_HEADER <= limit && at <= lastAt) {
    const magic = u32(chunk, at)
    const size = u32(chunk, at + 4)
    if (magic !== RECORD_MAGIC) {
      if (!(magic === 0 && size === 0))
        problems.push({
          kind: 'record',
          at,
          message: `bad record magic ${hex(magic)} at ${hex(at)}`,
        })
      break
    }
    if (size < RECORD_HEADER + 4 || at + size > chunk.length) {
      problems.push({
        kind: 'record',
        at,
        message: `record size ${size} at ${hex(at)} does not fit the chunk`,
      })
      break
    }
    const sizeCopy = u32(chunk, at + size - 4)
    const recordId = u64(chunk, at + 8)
    if (sizeCopy !== size)
      problems.push({
        kind: 'record',
        at,
        message: `record ${recordId} at ${hex(at)} is half-written (size ${size}, trailing copy ${sizeCopy})`,
      })
    try {
      const { nodes } = parseFragment(ctx, at + RECORD_HEADER, at + size - 4, false, 0)
      records.push({ at, recordId, written: filetimeAt(chunk, at + 16), nodes })
    } catch (e) {
      // EvtxParseError for damage; anything else (a stack overflow on hostile nesting) is damage too.
      const why = e instanceof EvtxParseError ? e.message : `unreadable BinXML (${String(e)})`
      problems.push({ kind: 'record', at, message: `record ${recordId} at ${hex(at)}: ${why}` })
      // Counted as python-evtx counts it, with what its header gives (id, write time) and the reason.
      records.push({ at, recordId, written: filetimeAt(chunk, at + 16), nodes: [], damaged: why })
    }
    at += size
  }
  if (opts.recover) recoverSlack(chunk, ctx, at, records)
  return { records, problems, used: true }
}

/**
 * Whole records in slack space: record magic on an 8-byte boundary, a size that fits, the trailing size
 * copy equal to it, and BinXML that parses (its templates are read where the chunk holds them). Anything
 * less is skipped silently: slack is leftovers, not damage.
 */
function recoverSlack(
  chunk: Uint8Array,
  ctx: ChunkContext,
  from: number,
  records: RawRecord[],
): void {
  let at = (from + 7) & ~7
  while (at + RECORD_HEADER + 4 <= chunk.length) {
    if (
      chunk[at] !== 0x2a ||
      chunk[at + 1] !== 0x2a ||
      chunk[at + 2] !== 0 ||
      chunk[at + 3] !== 0
    ) {
      at += 8
      continue
    }
    const size = u32(chunk, at + 4)
    if (
      size >= RECORD_HEADER + 4 &&
      at + size <= chunk.length &&
      u32(chunk, at + size - 4) === size
    ) {
      try {
        const { nodes } = parseFragment(ctx, at + RECORD_HEADER, at + size - 4, false, 0)
        records.push({
          at,
          recordId: u64(chunk, at + 8),
          written: filetimeAt(chunk, at + 16),
          nodes,
          recovered: true,
        })
        at += size
        continue
      } catch {
        // not a whole record: keep scanning
      }
    }
    at += 8
  }
}
