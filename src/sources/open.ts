// Reopen an artefact from its plain ref: works in a worker thread, where only serialisable data arrives.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { ArtefactRef } from './artefact.ts'
import { openReadOnly } from './walk/read-only.ts'
import { openZipEntry } from './zip/entry-stream.ts'

/**
 * A fresh read-only stream of the artefact's bytes; failures arrive as stream errors (EXH_ERR_*).
 * `chunkBytes` sets the read size for plain files (logs read 1 MiB at a time: fewer, larger blocks).
 */
export function openRef(ref: ArtefactRef, chunkBytes?: number): Readable {
  if (ref.type === 'zip-entry') return openZipEntry(ref)
  let fd: number
  try {
    fd = openReadOnly(ref.fsPath)
  } catch (err) {
    const r = new Readable({ read() {} })
    process.nextTick(() => r.destroy(err as Error))
    return r
  }
  return createReadStream('', chunkBytes ? { fd, highWaterMark: chunkBytes } : { fd })
}
