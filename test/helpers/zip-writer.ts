// A tiny zip writer for tests: real archives (stored or deflate, optional zip64) with the lies a
// hostile archive tells: traversal names, wrong declared sizes, encryption flags, odd methods.
import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipWriterEntry {
  name: string
  data?: Buffer | string
  /** 0 stored, 8 deflate (default), anything else is written as-is with stored bytes. */
  method?: number
  /** Lie in the central directory (and local header) about the uncompressed size. */
  declaredSize?: number
  flags?: number
  /** Raw bytes to store as the compressed data instead of compressing `data`. */
  rawCompressed?: Buffer
  /** Extra-field bytes appended in the central directory (e.g. an NTFS 0x000a time block). */
  centralExtra?: Buffer
}

export interface ZipWriterOptions {
  /** Write zip64 records and zip64 extra fields (sizes saturated to 0xFFFFFFFF). */
  zip64?: boolean
  comment?: string
}

export function makeZip(entries: ZipWriterEntry[], opts: ZipWriterOptions = {}): Buffer {
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? '')
    const method = e.method ?? 8
    const comp = e.rawCompressed ?? (method === 8 ? deflateRawSync(data) : data)
    const size = e.declaredSize ?? data.length
    const name = Buffer.from(e.name, 'utf8')
    const crc = crc32(data) >>> 0
    const flags = (e.flags ?? 0) | 0x800
    const z64 = opts.zip64 === true
    const extraLocal = z64 ? zip64Extra([size, comp.length]) : Buffer.alloc(0)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(z64 ? 45 : 20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(0x6000, 10)
    local.writeUInt16LE(0x5265, 12) // 2021-03-05
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(z64 ? 0xffffffff : comp.length, 18)
    local.writeUInt32LE(z64 ? 0xffffffff : size, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(extraLocal.length, 28)
    parts.push(local, name, extraLocal, comp)
    const extraCentral = Buffer.concat([
      z64 ? zip64Extra([size, comp.length, offset]) : Buffer.alloc(0),
      e.centralExtra ?? Buffer.alloc(0),
    ])
    const cd = Buffer.alloc(46)
    cd.writeUInt32LE(0x02014b50, 0)
    cd.writeUInt16LE(z64 ? 45 : 20, 4)
    cd.writeUInt16LE(z64 ? 45 : 20, 6)
    cd.writeUInt16LE(flags, 8)
    cd.writeUInt16LE(method, 10)
    cd.writeUInt16LE(0x6000, 12)
    cd.writeUInt16LE(0x5265, 14)
    cd.writeUInt32LE(crc, 16)
    cd.writeUInt32LE(z64 ? 0xffffffff : comp.length, 20)
    cd.writeUInt32LE(z64 ? 0xffffffff : size, 24)
    cd.writeUInt16LE(name.length, 28)
    cd.writeUInt16LE(extraCentral.length, 30)
    cd.writeUInt32LE(z64 ? 0xffffffff : offset, 42)
    central.push(cd, name, extraCentral)
    offset += 30 + name.length + extraLocal.length + comp.length
  }
  const cdBuf = Buffer.concat(central)
  const tail: Buffer[] = []
  if (opts.zip64) {
    const rec = Buffer.alloc(56)
    rec.writeUInt32LE(0x06064b50, 0)
    rec.writeBigUInt64LE(44n, 4)
    rec.writeUInt16LE(45, 12)
    rec.writeUInt16LE(45, 14)
    rec.writeBigUInt64LE(BigInt(entries.length), 24)
    rec.writeBigUInt64LE(BigInt(entries.length), 32)
    rec.writeBigUInt64LE(BigInt(cdBuf.length), 40)
    rec.writeBigUInt64LE(BigInt(offset), 48)
    const loc = Buffer.alloc(20)
    loc.writeUInt32LE(0x07064b50, 0)
    loc.writeBigUInt64LE(BigInt(offset + cdBuf.length), 8)
    loc.writeUInt32LE(1, 16)
    tail.push(rec, loc)
  }
  const comment = Buffer.from(opts.comment ?? '')
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 8)
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 10)
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cdBuf.length, 12)
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : offset, 16)
  eocd.writeUInt16LE(comment.length, 20)
  return Buffer.concat([...parts, cdBuf, ...tail, eocd, comment])
}

function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length)
  b.writeUInt16LE(0x0001, 0)
  b.writeUInt16LE(8 * values.length, 2)
  for (const [i, v] of values.entries()) b.writeBigUInt64LE(BigInt(v), 4 + 8 * i)
  return b
}
