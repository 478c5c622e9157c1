// A small worker-thread pool: one job at a time per worker, jobs handed out as workers free up.
// Workers run TypeScript through tsx when exhunt runs from source, the bundled .mjs otherwise.
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { type ResourceLimits, Worker } from 'node:worker_threads'

export interface PoolMessage<R> {
  type: 'result' | 'partial' | 'error'
  jobIndex: number
  data: R
}

export interface PoolOptions<J, R> {
  workerUrl: URL
  workerData: unknown
  jobs: readonly J[]
  size?: number
  /** V8 limits for each worker (young generation size for allocation-heavy workers). */
  resourceLimits?: ResourceLimits
  /** Called on the main thread for every message a worker posts. */
  onMessage(msg: PoolMessage<R>): void
  signal?: AbortSignal
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism())
}

/**
 * Node 20 does not apply `--import tsx` to a worker's own entry file, so a .ts worker starts from a
 * two-line bootstrap that registers tsx in the worker thread first.
 */
function spawn(url: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  if (!fileURLToPath(url).endsWith('.ts')) return new Worker(url, { workerData, resourceLimits })
  const tsx = import.meta.resolve('tsx/esm/api')
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(code, { eval: true, workerData, resourceLimits })
}

/** Runs every job; resolves once all are done. A worker that dies fails only the job it held. */
export async function runPool<J, R>(opts: PoolOptions<J, R>): Promise<void> {
  const size = Math.max(1, Math.min(opts.size ?? defaultWorkers(), opts.jobs.length))
  if (opts.jobs.length === 0) return
  let next = 0
  let startFailure: Error | undefined

  const startWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = spawn(opts.workerUrl, opts.workerData, opts.resourceLimits)
      let current = -1
      let ready = false
      const feed = () => {
        if (opts.signal?.aborted || next >= opts.jobs.length) {
          void worker.terminate()
          return
        }
        current = next++
        worker.postMessage({ jobIndex: current, job: opts.jobs[current] })
      }
      worker.on('message', (msg: PoolMessage<R> | { type: 'ready' }) => {
        if (msg.type === 'ready') {
          ready = true
          return feed()
        }
        opts.onMessage(msg)
        if (msg.type === 'result' || msg.type === 'error') feed()
      })
      worker.on('error', (err) => {
        // A worker that cannot even start would fail again: stop instead of respawning forever.
        if (!ready) startFailure = err
        else if (current >= 0) {
          opts.onMessage({ type: 'error', jobIndex: current, data: err as unknown as R })
        }
      })
      worker.on('exit', () => {
        // A crashed worker's remaining jobs go to a fresh worker.
        if (!startFailure && !opts.signal?.aborted && next < opts.jobs.length)
          startWorker().then(resolve)
        else resolve()
      })
    })

  await Promise.all(Array.from({ length: size }, startWorker))
  if (startFailure) throw startFailure
}
