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
