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

export interface PoolStartOptions {
  workerUrl: URL
  workerData: unknown
  /**
   * Data a worker needs before it can say 'ready', still being made when the pool starts: each worker
   * gets it as `{ type: 'init', data }` once it resolves, so the workers boot meanwhile.
   */
  init?: Promise<unknown>
  size?: number
  /** V8 limits for each worker (young generation size for allocation-heavy workers). */
  resourceLimits?: ResourceLimits
  signal?: AbortSignal
}

export interface PoolOptions<J, R> extends PoolStartOptions {
  jobs: readonly J[]
  /** Called on the main thread for every message a worker posts. */
  onMessage(msg: PoolMessage<R>): void
}

/** Workers started before their jobs are known, so their start-up (e.g. compiling rules) overlaps other work. */
export interface StartedPool<J, R> {
  /** Runs every job (once per pool); rejects when a worker could not even start. */
  run(jobs: readonly J[], onMessage: (msg: PoolMessage<R>) => void): Promise<void>
  /** Ends the workers; for a pool that turns out to have no work. */
  close(): Promise<void>
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

/** Starts `size` workers now; they wait (once ready) for `run`. A worker that dies fails only its job. */
export function startPool<J, R>(opts: PoolStartOptions): StartedPool<J, R> {
  let jobs: readonly J[] | undefined
  let onMessage: ((msg: PoolMessage<R>) => void) | undefined
  let next = 0
  let closed = false
  let startFailure: Error | undefined
  const live = new Set<Worker>()
  // Ready workers waiting for `run` to give them jobs.
  const waiting: (() => void)[] = []
  let allExited: () => void = () => {}
  const exited = new Promise<void>((resolve) => {
    allExited = resolve
  })

  const startWorker = (): void => {
    const worker = spawn(opts.workerUrl, opts.workerData, opts.resourceLimits)
    live.add(worker)
    opts.init?.then(
      (data) => worker.postMessage({ type: 'init', data }),
      (err: Error) => {
        startFailure ??= err
        void worker.terminate()
      },
    )
    let current = -1
    let ready = false
    const feed = (): void => {
      if (!jobs && !closed) {
        waiting.push(feed)
        return
      }
      if (closed || opts.signal?.aborted || !jobs || next >= jobs.length) {
        void worker.terminate()
        return
      }
      current = next++
      worker.postMessage({ jobIndex: current, job: jobs[current] })
    }
    worker.on('message', (msg: PoolMessage<R> | { type: 'ready' }) => {
      if (msg.type === 'ready') {
        ready = true
        return feed()
      }
      onMessage?.(msg)
      if (msg.type === 'result' || msg.type === 'error') feed()
    })
    worker.on('error', (err) => {
      // A worker that cannot even start would fail again: stop instead of respawning forever.
      if (!ready) startFailure = err
      else if (current >= 0) {
        onMessage?.({ type: 'error', jobIndex: current, data: err as unknown as R })
      }
    })
    worker.on('exit', () => {
      live.delete(worker)
      // A crashed worker's remaining jobs go to a fresh worker.
      const more = !jobs || next < jobs.length
      if (!startFailure && !closed && !opts.signal?.aborted && more) startWorker()
      else if (live.size === 0) allExited()
    })
  }

  for (let i = 0; i < Math.max(1, opts.size ?? defaultWorkers()); i++) startWorker()

  return {
    async run(given, handler) {
      if (jobs) throw new Error('a started pool runs its jobs once')
      jobs = given
      onMessage = handler
      for (const feed of waiting.splice(0)) feed()
      await exited
      if (startFailure) throw startFailure
    },
    async close() {
      // Only idle workers are ended now: terminating a worker inside a native call (yara-x compiling)
      // can crash the process, so one still starting ends when it says it is ready.
      closed = true
      for (const feed of waiting.splice(0)) feed()
      if (live.size === 0) allExited()
      await exited
    },
  }
}

/** Runs every job; resolves once all are done. A worker that dies fails only the job it held. */
export async function runPool<J, R>(opts: PoolOptions<J, R>): Promise<void> {
  if (opts.jobs.length === 0) return
  const size = Math.max(1, Math.min(opts.size ?? defaultWorkers(), opts.jobs.length))
  await startPool<J, R>({ ...opts, size }).run(opts.jobs, opts.onMessage)
}
