// Worker thread: compiles the log content once, then parses and matches whole log files.
// A file's findings are posted when the file is done: folding may still grow them until then.
import { parentPort, workerData } from 'node:worker_threads'
import { toItemError } from '../shared/errors.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import { scanLog } from '../sources/logs/index.ts'
import { readChunks } from '../sources/open.ts'
import { createLogDetectors, type LogDetectorConfig } from './log-detectors.ts'
import type { LogJob, LogJobResult } from './log-job.ts'

/** Read size for logs: the same speed as 1 MiB on the bench, with less memory. */
const LOG_READ_BYTES = 1 << 18

const port = parentPort
if (!port) throw new Error('log-worker must run in a worker thread')

const detectors = createLogDetectors(workerData as LogDetectorConfig)

port.on('message', async ({ jobIndex, job }: { jobIndex: number; job: LogJob }) => {
  const findings: Finding[] = []
  const errors: ItemError[] = []
  const emit = (f: Finding) => findings.push(f)
  const file = detectors.forFile()
  const result: LogJobResult = { findings, observations: [], errors }
  try {
    result.summary = await scanLog(readChunks(job.ref, LOG_READ_BYTES), job.path, {
      needles: detectors.needlesFor,
      maxLineBytes: detectors.maxLineBytes,
      onRecord: (rec) => file.match(rec, emit),
      onError: (e) => errors.push(e),
    })
  } catch (err) {
    errors.push(toItemError(err, job.path, 'EXH_ERR_LOG_READ'))
  }
  // Whatever was found before a failure is kept.
  result.observations = file.finish(emit)
  port.postMessage({ type: 'result', jobIndex, data: result })
})
port.postMessage({ type: 'ready' })
