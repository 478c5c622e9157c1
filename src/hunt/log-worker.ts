// Log jobs inside a worker thread (worker.ts): the content is compiled once per worker, then whole log
// files are parsed and matched. A file's findings are posted when the file is done: folding may still
// grow them until then.
import { readChunks } from '../sources/open.ts'
import {
  createLogDetectors,
  type LogDetectorConfig,
  type LogDetectors,
  scanLogFile,
} from './log-detectors.ts'
import type { LogJob, LogJobResult } from './log-job.ts'

/** Read size for logs: the same speed as 1 MiB on the bench, with less memory. */
const LOG_READ_BYTES = 1 << 18

export function compileLogContent(config: LogDetectorConfig): LogDetectors {
  return createLogDetectors(config)
}

/** Chunks until the hunt is aborted: the check sits between reads, so it reaches a file mid-way. */
async function* untilCancelled(
  chunks: AsyncIterable<Buffer>,
  cancel: Int32Array,
  state: { cut: boolean },
) {
  for await (const c of chunks) {
    if (Atomics.load(cancel, 0) !== 0) {
      state.cut = true
      return
    }
    yield c
  }
}

export async function runLogJob(
  detectors: LogDetectors,
  job: LogJob,
  cancel: Int32Array,
): Promise<LogJobResult> {
  const state = { cut: false }
  // The same per-file scan the corpus tests run (log-detectors.ts scanLogFile).
  const result = await scanLogFile(
    detectors,
    untilCancelled(readChunks(job.ref, LOG_READ_BYTES), cancel, state),
    job.path,
  )
  // The summary covers the lines read before the abort; the report says the hunt was cut short.
  if (state.cut) result.cut = true
  return result
}
