// A gzip body that inflates to gigabytes, sent as a stream: one deflate segment of 1 MiB of zeros
// (compressed once, ~1 KiB, ending in a full flush so every copy is independent) repeated, then an
// empty final block and the gzip trailer. The CRC-32 of all those zeros comes from zlib's crc32_combine
// (GF(2) matrix powers), so nothing is ever inflated or held in memory here.
import { constants, crc32, deflateRawSync } from 'node:zlib'

const SEGMENT = 1 << 20

let segment: Buffer | undefined
/** The compressed form of 1 MiB of zeros, made once per process. */
export function zeroSegment(): Buffer {
  segment ??= deflateRawSync(Buffer.alloc(SEGMENT), {
    level: 9,
    finishFlush: constants.Z_FULL_FLUSH,
  })
  return segment
}

function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i] as number
  return sum >>> 0
}
function gf2Square(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(mat, mat[n] as number)
}

/** CRC-32 of A then B, from crc(A), crc(B) and B's length (zlib's crc32_combine). */
export function crc32Combine(crc1: number, crc2: number, len2: number): number {
  if (len2 <= 0) return crc1 >>> 0
  const even = new Uint32Array(32)
  const odd = new Uint32Array(32)
  odd[0] = 0xedb88320
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row >>> 0
  gf2Square(even, odd) // two zero bits
  gf2Square(odd, even) // four
  let c = crc1 >>> 0
  let len = len2
  do {
    gf2Square(even, odd)
    if (len % 2) c = gf2Times(even, c)
    len = Math.floor(len / 2)
    if (len === 0) break
    gf2Square(odd, even)
    if (len % 2) c = gf2Times(odd, c)
    len = Math.floor(len / 2)
  } while (len !== 0)
  return (c ^ crc2) >>> 0
}

export interface GzipBomb {
  /** Bytes on the wire. */
  compressedBytes: number
  /** Bytes after inflating. */
  inflatedBytes: number
  /** Writes the body into `write`, honouring backpressure (`write` returns a promise when it must wait). */
  pieces(): Generator<Buffer>
}

/** A gzip stream of `segments` MiB of zeros (default 5120: 5 GiB from about 5 MB). */
export function gzipBomb(segments = 5120): GzipBomb {
  const seg = zeroSegment()
  const crcSeg = crc32(Buffer.alloc(SEGMENT))
  let crc = 0
  // Doubling: crc of 2^k segments, combined into the total by the bits of `segments`.
  let powCrc = crcSeg
  let powLen = SEGMENT
  let total = 0
  for (let s = segments; s > 0; s = Math.floor(s / 2)) {
    if (s % 2) {
      crc = total === 0 ? powCrc : crc32Combine(crc, powCrc, powLen)
      total += powLen
    }
    powCrc = crc32Combine(powCrc, powCrc, powLen)
    powLen *= 2
  }
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
  const trailer = Buffer.alloc(10)
  trailer[0] = 0x03 // final empty fixed-Huffman block
  trailer[1] = 0x00
  trailer.writeUInt32LE(crc >>> 0, 2)
  trailer.writeUInt32LE(total % 2 ** 32, 6)
  return {
    compressedBytes: header.length + seg.length * segments + trailer.length,
    inflatedBytes: total,
    *pieces() {
      yield header
      // Batches of 64 segments (~64 KiB on the wire) per write.
      const batch = Buffer.concat(Array.from({ length: 64 }, () => seg))
      let left = segments
      while (left >= 64) {
        yield batch
        left -= 64
      }
      for (; left > 0; left--) yield seg
      yield trailer
    },
  }
}
