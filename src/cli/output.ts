// Where the report goes: stdout or the -o file, opened before the hunt so that a file that cannot be
// written fails at once (exit 2) instead of after the work. A reader that closes stdout early
// (`| head`) only stops the output: the hunt runs on, so the exit code still says what was found.
import { closeSync, createWriteStream, openSync, type WriteStream } from 'node:fs'

export interface Output {
  /** True for a file: no colour, no terminal width. */
  readonly toFile: boolean
  write(chunk: string): void
  /** Flushes; rejects when a file write failed (a full disk). */
  close(): Promise<void>
}

export function stdoutOutput(): Output {
  return {
    toFile: false,
    write(chunk) {
      // After EPIPE the stream is destroyed: rendering more is pointless, writing would be dropped.
      if (!process.stdout.destroyed) process.stdout.write(chunk)
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (process.stdout.destroyed) resolve()
        else process.stdout.write('', () => resolve())
      }),
  }
}

/** Opens (creates or truncates) FILE now; an error message naming -o when it cannot be written. */
export function fileOutput(path: string): Output | string {
  let fd: number
  try {
    fd = openSync(path, 'w')
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    return `-o ${path} cannot be written (${e.code ?? e.message})`
  }
  let stream: WriteStream
  try {
    stream = createWriteStream('', { fd })
  } catch (err) {
    closeSync(fd)
    throw err
  }
  let failure: Error | undefined
  stream.on('error', (err) => {
    failure ??= err
  })
  return {
    toFile: true,
    write(chunk) {
      if (!failure) stream.write(chunk)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        const done = () => (failure ? reject(failure) : resolve())
        if (stream.closed || stream.destroyed) return done()
        stream.end(() => done())
        stream.once('error', done)
      }),
  }
}
