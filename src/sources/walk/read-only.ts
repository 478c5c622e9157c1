// Evidence is opened read-only, never following a final symlink, without touching atime where the
// kernel lets us (O_NOATIME needs file ownership or CAP_FOWNER; EPERM falls back silently), and
// non-blocking so a FIFO swapped in after discovery cannot hang a worker.
import { closeSync, constants, fstatSync, openSync } from 'node:fs'
import { ExhuntError } from '../../shared/errors.ts'

const BASE = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
const NOATIME = constants.O_NOATIME ?? 0

/** Open a regular file read-only; throws EXH_ERR_NOT_REGULAR for devices, FIFOs, sockets, dirs. */
export function openReadOnly(fsPath: string): number {
  let fd: number
  try {
    fd = openSync(fsPath, BASE | NOATIME)
  } catch (err) {
    if (NOATIME === 0 || (err as NodeJS.ErrnoException).code !== 'EPERM') throw err
    fd = openSync(fsPath, BASE)
  }
  const st = fstatSync(fd)
  if (!st.isFile()) {
    closeQuietly(fd)
    throw new ExhuntError('EXH_ERR_NOT_REGULAR', `${fsPath} is not a regular file; not read`, {
      item: fsPath,
    })
  }
  return fd
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // already closed
  }
}
