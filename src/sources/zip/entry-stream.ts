// Streams one zip entry's bytes (stored or deflate) with a hard output cap: the declared size from the
// central directory. A header that lies about the size cannot make us inflate past it (EXH_ERR_ZIP_BOMB
// mid-stream), and a short or damaged entry ends in EXH_ERR_ZIP_CORRUPT instead of silent truncation.
import { createReadStream, readSync } from 'node:fs'
import { Readable, Transform, type TransformCallback } from 'node:stream'
import { crc32, createInflateRaw } from 'node:zlib'
import { ExhuntError } from '../../shared/errors.ts'
import { closeQuietly, openReadOnly } from '../walk/read-only.ts'

const LOCAL_SIG = 0x04034b50

export interface ZipEntryLocator {
  /** The archive on disk. */
  archive: string
  entryName: string
  /** Offset of the entry's local header in the archive. */
  localHeaderOffset: number
  compressedSize: number
  size: number
  /** 0 stored, 8 deflate. */
  method: number
}

class CappedOutput extends Transform {
  private seen = 0
  private crc = 0
  constructor(
    private readonly loc: ZipEntryLocator,
    private readonly expectedCrc: number | undefined,
  ) {
    super()
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.loc.size) {
      cb(bomb(this.loc, `inflated past its declared ${this.loc.size} bytes`))
      return
    }
    if (this.expectedCrc !== undefined) this.crc = crc32(chunk, this.crc)
    cb(null, chunk)
  }
  override _flush(cb: TransformCallback): void {
    if (this.seen !== this.loc.size) {
      cb(corrupt(this.loc, `entry ended after ${this.seen} of ${this.loc.size} bytes`))
      return
    }
    if (this.expectedCrc !== undefined && this.crc >>> 0 !== this.expectedCrc) {
      cb(corrupt(this.loc, 'CRC-32 mismatch'))
      return
    }
    cb()
  }
}

function bomb(loc: ZipEntryLocator, why: string): ExhuntError {
  return new ExhuntError('EXH_ERR_ZIP_BOMB', `${loc.entryName}: ${why}; reading stopped`, {
    item: `${loc.archive}!${loc.entryName}`,
  })
}

function corrupt(loc: ZipEntryLocator, why: string): ExhuntError {
  return new ExhuntError('EXH_ERR_ZIP_CORRUPT', `${loc.entryName}: ${why}`, {
    item: `${loc.archive}!${loc.entryName}`,
  })
}

function failed(err: Error): Readable {
  const r = new Readable({ read() {} })
  process.nextTick(() => r.destroy(err))
  return r
}

/** A fresh stream of the entry's decompressed bytes; errors arrive as stream errors with EXH_ERR_* codes. */
export function openZipEntry(loc: ZipEntryLocator): Readable {
  let fd: number
  try {
    fd = openReadOnly(loc.archive)
  } catch (err) {
    return failed(err as Error)
  }
  let dataStart: number
  let expectedCrc: number | undefined
  try {
    const head = Buffer.alloc(30)
    if (
      readSync(fd, head, 0, 30, loc.localHeaderOffset) < 30 ||
      head.readUInt32LE(0) !== LOCAL_SIG
    ) {
      throw corrupt(loc, 'bad local header')
    }
    const flags = head.readUInt16LE(6)
    // Bit 3: sizes and CRC follow the data; the central directory's sizes are used, the CRC is not checked.
    if (!(flags & 8)) expectedCrc = head.readUInt32LE(14)
    dataStart = loc.localHeaderOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28)
  } catch (err) {
    closeQuietly(fd)
    return failed(err instanceof ExhuntError ? err : corrupt(loc, (err as Error).message))
  }
  const cap = new CappedOutput(loc, expectedCrc)
  if (loc.compressedSize === 0) {
    closeQuietly(fd)
    cap.end()
    return cap
  }
  if (loc.method !== 0 && loc.method !== 8) {
    closeQuietly(fd)
    return failed(
      new ExhuntError(
        'EXH_ERR_ZIP_METHOD',
        `${loc.entryName}: compression method ${loc.method} is not supported`,
      ),
    )
  }
  const raw = createReadStream('', {
    fd,
    start: dataStart,
    end: dataStart + loc.compressedSize - 1,
  })
  const stages: Readable[] = [raw]
  // Plain pipe with our own error mapping: zlib's Z_DATA_ERROR and fs errors become coded errors.
  const fail = (err: Error) => {
    if (!cap.destroyed) cap.destroy(err instanceof ExhuntError ? err : corrupt(loc, err.message))
  }
  raw.on('error', fail)
  if (loc.method === 8) {
    const inflate = createInflateRaw()
    inflate.on('error', fail)
    raw.pipe(inflate).pipe(cap)
    stages.push(inflate)
  } else {
    raw.pipe(cap)
  }
  cap.on('close', () => {
    for (const s of stages) s.destroy()
  })
  return cap
}
