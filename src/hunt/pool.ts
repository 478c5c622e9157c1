// A worker-thread pool that outlives one hunt: every worker runs the one entry (worker.ts), compiles
// each content it is given once, and then takes jobs of any hunt that uses the same content.
// Workers run TypeScript through tsx when exhunt runs from source, the bundled .mjs otherwise.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { serialize } from 'node:v8'
import { type ResourceLimits, Worker } from 'node:worker_threads'

/** What a worker does: the worker entry dispatches on it (worker.ts). */
export type JobKind = 'log' | 'webfile'

/** What the caller hears about each job: its result, or why it has none. */
export type PoolMessage<R> =
  | { type: 'result'; jobIndex: number; data: R }
  /** The worker died on the job (a crash, an uncaught error). */
  | { type: 'error'; jobIndex: number; data: Error }
  /** Over the per-job limit: its worker was terminated and replaced. */
  | { type: 'timeout'; jobIndex: number; data: Error }

/** How long a worker may take to stop a job after its hunt was aborted before it is terminated. */
const ABORT_GRACE_MS = 2000
/** Compiled contents a worker keeps per kind (a service alternating two content sets recompiles nothing). */
const KEEP_PER_KIND = 2

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism())
}

/** The one worker entry: `.ts` from source, the bundled `worker.mjs` from dist. */
export function workerEntryUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.mjs', import.meta.url)
}

/** False when the worker entry is missing (a bundle built without it): work on this thread instead. */
export function workerEntryAvailable(url: URL = workerEntryUrl()): boolean {
  return existsSync(fileURLToPath(url))
}

/** Same plain data, same key: a worker that compiled it once does not compile it again. */
export function contentKey(kind: JobKind, data: unknown): string {
  return `${kind}:${createHash('sha256').update(serialize(data)).digest('hex')}`
}

/**
 * Node 20 does not apply `--import tsx` to a worker's own entry file, so a .ts worker starts from a
 * two-line bootstrap that registers tsx in the worker thread first.
 */
function spawn(url: URL, resourceLimits?: ResourceLimits): Worker {
  if (!fileURLToPath(url).endsWith('.ts')) return new Worker(url, { resourceLimits })
  const tsx = import.meta.resolve('tsx/esm/api')
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(code, { eval: true, resourceLimits })
}

export interface WorkerPoolOptions {
  size?: number
  /** The worker entry (tests give a broken one). */
  workerUrl?: URL
  /** V8 limits for each worker (young generation size for allocation-heavy workers). */
  resourceLimits?: ResourceLimits
}

export interface PoolRun<J, R> {
  kind: JobKind
  /** Plain data each worker compiles once per key; may still be being made. */
  content: unknown | Promise<unknown>
  jobs: readonly J[]
  onMessage(msg: PoolMessage<R>): void
  signal?: AbortSignal
  /** A job that runs longer: its worker is terminated and replaced, the job answered `timeout`. */
  jobTimeoutMs?: number
}

export interface PoolRunOutcome {
  /** Jobs that got no message: the hunt was aborted before they ran, or no worker could start. */
  unanswered: number[]
}

export interface PoolStats {
  /** Contents compiled, summed over workers. */
  compiles: number
  /** Workers started, replacements included. */
  spawned: number
  jobs: number
}

export interface WorkerPool {
  readonly size: number
  /** Hands content to every worker now, so its compile overlaps other work (discovery). */
  warm(kind: JobKind, content: unknown | Promise<unknown>): void
  /** Whether every worker has this content compiled or compiling (a next hunt pays nothing for it). */
  has(kind: JobKind, content: unknown): boolean
  /** Runs every job; rejects only when no worker could even start. */
  run<J, R>(run: PoolRun<J, R>): Promise<PoolRunOutcome>
  stats(): PoolStats
  /** Ends the workers once those busy or compiling are done. */
  close(): Promise<void>
}

interface Task {
  run: RunState
  index: number
}

interface RunState {
  spec: PoolRun<unknown, unknown>
  key: string
  data: unknown
  /** Set to 1 on abort: workers check it between chunks and files and stop the job early. */
  cancel: Int32Array
  left: number
  answered: Uint8Array
  done: () => void
}

interface Slot {
  worker: Worker
  ready: boolean
  /** Content keys compiled in this worker, oldest first. */
  keys: string[]
  compiling: string | undefined
  task: Task | undefined
  timer: NodeJS.Timeout | undefined
  /** Why the pool ended this worker (its job gets that answer, not a crash). */
  ending: 'timeout' | 'aborted' | 'closed' | undefined
}

export function createWorkerPool(opts: WorkerPoolOptions = {}): WorkerPool {
  const size = Math.max(1, opts.size ?? defaultWorkers())
  const url = opts.workerUrl ?? workerEntryUrl()
  const slots = new Set<Slot>()
  const queue: Task[] = []
  /** Contents handed to the pool, by key: a replacement worker compiles them again when needed. */
  const contents = new Map<string, { kind: JobKind; data: unknown }>()
  const warmKeys = new Set<string>()
  const stats: PoolStats = { compiles: 0, spawned: 0, jobs: 0 }
  let closed = false
  let startFailure: Error | undefined
  let everReady = false
  let allEnded: () => void = () => {}
  const ended = new Promise<void>((resolve) => {
    allEnded = resolve
  })

  const finishTask = (slot: Slot, msg: PoolMessage<unknown> | undefined): void => {
    const task = slot.task
    if (!task) return
    slot.task = undefined
    if (slot.timer) clearTimeout(slot.timer)
    slot.timer = undefined
    const r = task.run
    if (r.answered[task.index]) return
    if (msg) {
      r.answered[task.index] = 1
      r.spec.onMessage(msg)
    }
    if (--r.left === 0) r.done()
  }

  const keysOfKind = (slot: Slot, kind: JobKind) =>
    slot.keys.filter((k) => k.startsWith(`${kind}:`))

  /** Gives `slot` the content `key` (compiled before any job of it), dropping its oldest of that kind. */
  const giveContent = (slot: Slot, key: string, c: { kind: JobKind; data: unknown }): void => {
    const mine = keysOfKind(slot, c.kind)
    const drop = mine.length >= KEEP_PER_KIND ? mine.slice(0, mine.length - KEEP_PER_KIND + 1) : []
    slot.keys = slot.keys.filter((k) => !drop.includes(k))
    slot.compiling = key
    slot.worker.postMessage({ type: 'content', kind: c.kind, key, data: c.data, drop })
  }

  const pump = (): void => {
    for (const slot of slots) {
      if (!slot.ready || slot.task || slot.compiling || slot.ending) continue
      // A warm content not yet here is compiled first, before the worker takes a job.
      const warm = [...warmKeys].find((k) => !slot.keys.includes(k) && contents.has(k))
      if (warm) {
        giveContent(slot, warm, contents.get(warm) as { kind: JobKind; data: unknown })
        continue
      }
      const task = queue.shift()
      if (!task) {
        if (closed) end(slot, 'closed')
        continue
      }
      slot.task = task
      const r = task.run
      if (!slot.keys.includes(r.key)) giveContent(slot, r.key, { kind: r.spec.kind, data: r.data })
      else dispatch(slot)
    }
  }

  const dispatch = (slot: Slot): void => {
    const task = slot.task as Task
    const r = task.run
    if (Atomics.load(r.cancel, 0) !== 0) {
      // Aborted while this worker compiled: the job is left unanswered.
      finishTask(slot, undefined)
      pump()
      return
    }
    stats.jobs++
    slot.worker.postMessage({
      type: 'job',
      kind: r.spec.kind,
      key: r.key,
      jobIndex: task.index,
      job: r.spec.jobs[task.index],
      cancel: r.cancel,
    })
    const limit = r.spec.jobTimeoutMs
    if (limit !== undefined && limit > 0) {
      slot.timer = setTimeout(() => end(slot, 'timeout'), limit)
    }
  }

  const end = (slot: Slot, why: NonNullable<Slot['ending']>): void => {
    if (slot.ending) return
    slot.ending = why
    void slot.worker.terminate()
  }

  const startWorker = (): void => {
    const worker = spawn(url, opts.resourceLimits)
    stats.spawned++
    const slot: Slot = {
      worker,
      ready: false,
      keys: [],
      compiling: undefined,
      task: undefined,
      timer: undefined,
      ending: undefined,
    }
    slots.add(slot)
    worker.on(
      'message',
      (msg: { type: string; key?: string; jobIndex?: number; data?: unknown }) => {
        if (msg.type === 'ready') {
          slot.ready = true
          everReady = true
        } else if (msg.type === 'compiled') {
          stats.compiles++
          slot.keys.push(msg.key as string)
          slot.compiling = undefined
          if (slot.task) {
            dispatch(slot)
            return
          }
        } else if (msg.type === 'result') {
          finishTask(slot, { type: 'result', jobIndex: msg.jobIndex as number, data: msg.data })
        }
        pump()
      },
    )
    worker.on('error', (err) => {
      // A worker that cannot even start would fail again: stop instead of respawning forever.
      if (!slot.ready) startFailure ??= err
      else if (slot.task) finishTask(slot, { type: 'error', jobIndex: slot.task.index, data: err })
    })
    worker.on('exit', (code) => {
      slots.delete(slot)
      const task = slot.task
      if (task) {
        const jobIndex = task.index
        if (slot.ending === 'timeout') {
          const limit = task.run.spec.jobTimeoutMs
          finishTask(slot, {
            type: 'timeout',
            jobIndex,
            data: new Error(`job ran over its ${limit} ms limit; its worker was replaced`),
          })
        } else if (slot.ending === 'aborted') finishTask(slot, undefined)
        else if (slot.ready) {
          finishTask(slot, {
            type: 'error',
            jobIndex,
            data: new Error(`worker exited with code ${code} during the job`),
          })
        } else {
          // Never started: the job goes back for another worker (or stays unanswered).
          slot.task = undefined
          queue.unshift(task)
        }
      }
      if (!startFailure && !closed) startWorker()
      else if (startFailure && slots.size === 0) failAll()
      if (slots.size === 0 && closed) allEnded()
      pump()
    })
  }

  /** No worker could start: every queued job is left to the caller. */
  const failAll = (): void => {
    for (const task of queue.splice(0)) {
      if (--task.run.left === 0) task.run.done()
    }
  }

  for (let i = 0; i < size; i++) startWorker()

  /** Remembers the latest contents of each kind, for workers that start later (replacements). */
  const register = (kind: JobKind, data: unknown): string => {
    const key = contentKey(kind, data)
    contents.delete(key)
    contents.set(key, { kind, data })
    const mine = [...contents.keys()].filter((k) => k.startsWith(`${kind}:`))
    for (const old of mine.slice(0, Math.max(0, mine.length - KEEP_PER_KIND))) {
      contents.delete(old)
      warmKeys.delete(old)
    }
    return key
  }

  return {
    size,
    warm(kind, content) {
      void Promise.resolve(content).then(
        (data) => {
          if (closed) return
          warmKeys.add(register(kind, data))
          pump()
        },
        () => {},
      )
    },
    has(kind, content) {
      const key = contentKey(kind, content)
      return slots.size > 0 && [...slots].every((s) => s.keys.includes(key) || s.compiling === key)
    },
    async run<J, R>(spec: PoolRun<J, R>): Promise<PoolRunOutcome> {
      if (closed) throw new Error('the worker pool is closed')
      const answered = new Uint8Array(spec.jobs.length)
      const unanswered = () => [...answered.keys()].filter((i) => !answered[i])
      if (spec.jobs.length === 0) return { unanswered: [] }
      const data = await spec.content
      if (startFailure && !everReady) throw startFailure
      const key = register(spec.kind, data)
      // A worker keeps few contents: only the latest one warm is compiled ahead of jobs.
      for (const k of warmKeys) if (k.startsWith(`${spec.kind}:`) && k !== key) warmKeys.delete(k)
      let done: () => void = () => {}
      const finished = new Promise<void>((resolve) => {
        done = resolve
      })
      const r: RunState = {
        spec: spec as PoolRun<unknown, unknown>,
        key,
        data,
        cancel: new Int32Array(new SharedArrayBuffer(4)),
        left: spec.jobs.length,
        answered,
        done,
      }
      const onAbort = (): void => {
        Atomics.store(r.cancel, 0, 1)
        // Queued jobs of this run are dropped; running ones stop at their next check, or are ended.
        for (let i = queue.length - 1; i >= 0; i--) {
          if (queue[i]?.run === r) {
            queue.splice(i, 1)
            if (--r.left === 0) r.done()
          }
        }
        for (const slot of slots) {
          if (slot.task?.run !== r) continue
          const timer = setTimeout(() => {
            if (slot.task?.run === r) end(slot, 'aborted')
          }, ABORT_GRACE_MS)
          timer.unref()
        }
      }
      for (let i = 0; i < spec.jobs.length; i++) queue.push({ run: r, index: i })
      if (spec.signal?.aborted) onAbort()
      else spec.signal?.addEventListener('abort', onAbort, { once: true })
      pump()
      try {
        await finished
      } finally {
        spec.signal?.removeEventListener('abort', onAbort)
      }
      if (startFailure && !everReady) throw startFailure
      return { unanswered: unanswered() }
    },
    stats: () => ({ ...stats }),
    async close() {
      if (!closed) {
        closed = true
        warmKeys.clear()
        failAll()
        // Only idle workers are ended now: terminating a worker inside a native call (yara-x compiling)
        // can crash the process, so one still starting or compiling ends when it is done.
        pump()
      }
      if (slots.size === 0) allEnded()
      await ended
    },
  }
}
