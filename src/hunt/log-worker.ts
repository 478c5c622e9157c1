// Worker thread: compiles the log content once, then parses and matches whole log files.
// The content arrives as the pool's 'init' message (parsed on the main thread while this thread
// boots); a file's findings are posted when the file is done: folding may still grow them until then.
import { parentPort } from 'node:worker_threads'
import { readChunks } from '../sources/open.ts'
import {
  createLogDetectors,
  type LogDetectorConfig,
  type LogDetectors,
  scanLogFile,
} from './log-detectors.ts'
import type { LogJob } from './log-job.ts'

/** Read size for logs: the same speed as 1 MiB on the bench, with less memory. */
const LOG_READ_BYTES = 1 << 18

const port = parentPort
if (!port) throw new Error('log-worker must run in a worker thread')

type Message =
  | { type: 'init'; data: LogDetectorConfig }
  | { type?: undefined; jobIndex: number; job: LogJob }

let detectors: LogDetectors | undefined

port.on('message', async (msg: Message) => {
  if (msg.type === 'init') {
    detectors = createLogDetectors(msg.data)
    port.postMessage({ type: 'ready' })
    return
  }
  if (!detectors) throw new Error('log-worker: a job came before its init message')
  const { jobIndex, job } = msg
  const result = await scanLogFile(detectors, readChunks(job.ref, LOG_READ_BYTES), job.path)
  port.postMessage({ type: 'result', jobIndex, data: result })
})
