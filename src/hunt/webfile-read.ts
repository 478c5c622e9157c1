// Reads one web file whole, read-only and capped: a plain file in one synchronous read (a worker has
// nothing else to do meanwhile), a zip entry through its stream.
import { fstatSync, readSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { ExhuntError } from '../shared/errors.ts'
import type { ArtefactRef } from '../sources/artefact.ts'
import { closeQuietly, openReadOnly } from '../sources/walk/read-only.ts'

export function tooLarge(path: string, max: number): ExhuntError {
  return new ExhuntError(
    'EXH_ERR_FILE_TOO_LARGE',
    `${path} is larger than the ${max}-byte web-file limit; not scanned (raise --max-file-size)`,
    { item: path },
  )
}

/** Every byte of the stream, or EXH_ERR_FILE_TOO_LARGE once it passes `max`. */
export async function readStreamCapped(
  stream: Readable,
  path: string,
  max: number,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length
      if (total > max) throw tooLarge(path, max)
      chunks.push(chunk as Buffer)
    }
  } finally {
    stream.destroy()
  }
  return Buffer.concat(chunks, total)
}

/** A plain file's bytes (as long as it was when opened), or EXH_ERR_FILE_TOO_LARGE. */
export function readFileCapped(fsPath: string, path: string, max: number): Buffer {
  const fd = openReadOnly(fsPath)
  try {
    const size = fstatSync(fd).size
    if (size > max) throw tooLarge(path, max)
    const buf = Buffer.allocUnsafe(size)
    let off = 0
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, null)
      if (n === 0) break
      off += n
    }
    return off === size ? buf : buf.subarray(0, off)
  } finally {
    closeQuietly(fd)
  }
}

/** Reads the artefact the ref points to; `open` reopens a zip entry as a stream. */
export async function readRefCapped(
  ref: ArtefactRef,
  path: string,
  max: number,
  open: () => Readable,
): Promise<Buffer> {
  if (ref.type === 'file') return readFileCapped(ref.fsPath, path, max)
  return readStreamCapped(open(), path, max)
}

/**
 * How much of a web file over the size limit is read: its start, which is hashed (labelled as the hash of
 * those bytes), and, for a plain file, as much of its end; both are scanned, so a shell padded before or
 * after its code is still seen. Name and path checks need no bytes.
 */
export const OVERSIZED_HEAD_BYTES = 1024 * 1024

/** `n` bytes from `start` (fewer at the end of the file), read-only. */
export function readFileRange(fsPath: string, start: number, n: number): Buffer {
  const fd = openReadOnly(fsPath)
  try {
    const buf = Buffer.allocUnsafe(n)
    let off = 0
    while (off < n) {
      const got = readSync(fd, buf, off, n - off, start + off)
      if (got === 0) break
      off += got
    }
    return buf.subarray(0, off)
  } finally {
    closeQuietly(fd)
  }
}

/** The first `n` bytes of a stream; the rest is never read. */
export async function readStreamHead(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of stream) {
      const c = chunk as Buffer
      chunks.push(total + c.length > n ? c.subarray(0, n - total) : c)
      total = Math.min(n, total + c.length)
      if (total >= n) break
    }
  } finally {
    stream.destroy()
  }
  return Buffer.concat(chunks, total)
}

/** What was read of a web file: all of it, or (`fullSize` set) its head and maybe its tail. */
export interface WebFileRead {
  bytes: Buffer
  /** The file is over the limit: its size, while `bytes` holds only part of it. */
  fullSize?: number
  /** With `fullSize`: `bytes` starts with this many first bytes of the file; the rest are its last ones. */
  headBytes?: number
}

/**
 * A web file whole, or when it is over `max` (`size` as discovery saw it) its head and, for a plain file,
 * its tail: each the smaller of OVERSIZED_HEAD_BYTES and `max` (an even count, so UTF-16 stays aligned).
 */
export async function readWebFile(
  ref: ArtefactRef,
  path: string,
  size: number,
  max: number,
  open: () => Readable,
): Promise<WebFileRead> {
  if (size <= max) return { bytes: await readRefCapped(ref, path, max, open) }
  const n = Math.max(2, Math.min(OVERSIZED_HEAD_BYTES, max) & ~1)
  // A zip entry would have to be inflated to its end for the tail: its head only.
  if (ref.type !== 'file') {
    const head = await readStreamHead(open(), n)
    return { bytes: head, fullSize: size, headBytes: head.length }
  }
  const head = readFileRange(ref.fsPath, 0, n)
  const tailStart = Math.max(head.length, (size - n) & ~1)
  const tail =
    size > tailStart ? readFileRange(ref.fsPath, tailStart, size - tailStart) : Buffer.alloc(0)
  return { bytes: Buffer.concat([head, tail]), fullSize: size, headBytes: head.length }
}

/** The note an oversized web file leaves in the report's errors: scanned in part, not skipped. */
export function partlyScanned(
  path: string,
  size: number,
  max: number,
  read: WebFileRead,
): ExhuntError {
  const head = read.headBytes ?? read.bytes.length
  const tail = read.bytes.length - head
  const part =
    tail > 0 ? `its first ${head} and last ${tail} bytes` : `only its first ${head} bytes`
  return new ExhuntError(
    'EXH_ERR_FILE_TOO_LARGE',
    `${path} is ${size} bytes, over the ${max}-byte web-file limit; ${part} were scanned, and its name and path checked (raise --max-file-size to scan it all)`,
    { item: path },
  )
}
