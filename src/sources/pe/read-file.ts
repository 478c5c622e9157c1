// The version resource of a PE file on disk, reading only the headers, the resource tree and the
// version block — a few small reads, never the whole binary.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { type ByteSource, type PeVersionResult, parsePeVersion } from './version.ts'

/** Reads at most `maxBytes` bytes in total; past that the answer is a reason, not a guess. */
export function readPeVersionFromFile(fsPath: string, maxBytes = 1024 * 1024): PeVersionResult {
  let fd: number
  try {
    fd = openSync(fsPath, 'r')
  } catch (e) {
    return { ok: false, reason: `cannot open: ${(e as Error).message}` }
  }
  try {
    const size = fstatSync(fd).size
    let budget = maxBytes
    const src: ByteSource = {
      size,
      read(offset, length) {
        if (offset < 0 || length < 0 || offset + length > size || length > budget) return null
        budget -= length
        const b = Buffer.alloc(length)
        const n = readSync(fd, b, 0, length, offset)
        return n === length ? b : null
      },
    }
    return parsePeVersion(src)
  } catch (e) {
    return { ok: false, reason: `cannot read: ${(e as Error).message}` }
  } finally {
    closeSync(fd)
  }
}
