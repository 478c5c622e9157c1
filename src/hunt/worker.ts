// The one worker-thread entry (pool.ts): it keeps each content it is sent compiled, by key, and runs
// jobs of any kind against them. One entry, so the build bundles one worker whatever the kinds; each
// kind's code is loaded on its first content, so a log worker never loads yara-x.
import { parentPort } from 'node:worker_threads'
import type { LogDetectorConfig, LogDetectors } from './log-detectors.ts'
import type { LogJob } from './log-job.ts'
import type { WebFileJob, WebWorkerData } from './webfile-job.ts'
import type { WebSetup } from './webfile-worker.ts'

const port = parentPort
if (!port) throw new Error('worker.ts must run in a worker thread')

type Compiled = { kind: 'log'; setup: LogDetectors } | { kind: 'webfile'; setup: WebSetup }

type Incoming =
  | { type: 'content'; kind: 'log'; key: string; data: LogDetectorConfig; drop: string[] }
  | { type: 'content'; kind: 'webfile'; key: string; data: WebWorkerData; drop: string[] }
  | {
      type: 'job'
      kind: Compiled['kind']
      key: string
      jobIndex: number
      job: unknown
      cancel: Int32Array
    }

const compiled = new Map<string, Compiled>()

port.on('message', async (msg: Incoming) => {
  if (msg.type === 'content') {
    for (const k of msg.drop) compiled.delete(k)
    compiled.set(
      msg.key,
      msg.kind === 'log'
        ? { kind: 'log', setup: (await import('./log-worker.ts')).compileLogContent(msg.data) }
        : {
            kind: 'webfile',
            setup: await (await import('./webfile-worker.ts')).compileWebContent(msg.data),
          },
    )
    port.postMessage({ type: 'compiled', key: msg.key })
    return
  }
  const c = compiled.get(msg.key)
  if (!c || c.kind !== msg.kind)
    throw new Error(`worker: a ${msg.kind} job came before its content`)
  const data =
    c.kind === 'log'
      ? await (await import('./log-worker.ts')).runLogJob(c.setup, msg.job as LogJob, msg.cancel)
      : await (await import('./webfile-worker.ts')).scanWebJob(
          c.setup,
          msg.job as WebFileJob,
          msg.cancel,
        )
  port.postMessage({ type: 'result', jobIndex: msg.jobIndex, data })
})

port.postMessage({ type: 'ready' })
