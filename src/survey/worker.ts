// `exhunt worker`: graphile-worker's runner on the open store, with this process's heartbeat, the
// release of dead workers' locks at start, and (embedded store) VACUUM on a schedule since PGlite
// runs no autovacuum. The pool is the store's own: it is ended by the caller only after
// runner.stop() resolved, so no finished job is left locked.
import { EventEmitter } from 'node:events'
import { hostname } from 'node:os'
import { run, type TaskList, type WorkerEvents } from 'graphile-worker'
import type { LoadedContent } from '../content/load.ts'
import type { Hunter } from '../hunt/hunter.ts'
import { RateLimit } from '../probe/rate.ts'
import type { CompiledProbe } from '../shared/probe.ts'
import { audit } from '../store/audit.ts'
import { beat, markStopped } from '../store/heartbeats.ts'
import type { Store } from '../store/open.ts'
import { HUNT_TASK, runHuntJob } from './hunt-task.ts'
import { PROBE_TASK, runProbeJob } from './probe-task.ts'
import { prepareQueue, queueSettings, quietLogger } from './queue.ts'
import { HEARTBEAT_MS, type Released, releaseDeadWorkers } from './release-dead.ts'

// PGlite never vacuums by itself; graphile-worker deletes every finished job, so its table bloats
export const VACUUM_EVERY_MS = 10 * 60_000

export interface WorkerOptions {
  store: Store
  concurrency: number
  /** A hunt's whole limit; over it the report is stored with complete: false. */
  huntTimeoutMs: number
  /** Makes the hunter on the first hunt job (content loaded and compiled once per worker); its maker closes it. */
  makeHunter: () => { hunter: Hunter; content: LoadedContent }
  /** Stops the worker: running jobs finish (or are aborted after graphile-worker's grace time). */
  signal: AbortSignal
  /** Makes the probe engine on the first probe job (content compiled once per worker process). */
  makeProbe?: () => { content: LoadedContent; compiled: CompiledProbe }
  /** Probe targets per second in this worker (its jobs share it; other workers have their own). */
  probeRate?: number
  probeTargetTimeoutMs?: number
  onLine?: (line: string) => void
}

export interface WorkerSummary {
  id: string
  released: Released
  jobs: { done: number; failed: number }
}

export async function runWorker(o: WorkerOptions): Promise<WorkerSummary> {
  const { store } = o
  const say = o.onLine ?? (() => {})
  const id = `${hostname()}:${process.pid}:${Date.now().toString(36)}`
  const actor = `worker:${id}`
  await prepareQueue(store)
  const released = await releaseDeadWorkers(store, id)
  if (released.workerIds.length) {
    say(
      `released ${released.jobs} job(s) locked by ${released.workerIds.length} dead worker pool(s)`,
    )
    await audit(store.pool, actor, 'worker.release-dead', null, { ...released })
  }
  const workerIds: string[] = []
  await beat(store.pool, { id, host: hostname(), pid: process.pid, workerIds })

  let made: { hunter: Hunter; content: LoadedContent } | undefined
  const hunter = () => {
    made ??= o.makeHunter()
    return made
  }
  let engine: { content: LoadedContent; compiled: CompiledProbe } | undefined
  const probeEngine = () => {
    if (!o.makeProbe) throw new Error('this worker has no probe engine')
    engine ??= o.makeProbe()
    return engine
  }
  const rate = o.probeRate ? new RateLimit(o.probeRate) : undefined
  const jobs = { done: 0, failed: 0 }
  const taskList: TaskList = {
    [PROBE_TASK]: async (payload, helpers) => {
      const r = await runProbeJob(
        {
          store,
          engine: probeEngine,
          ...(rate ? { rate } : {}),
          ...(o.probeTargetTimeoutMs ? { targetTimeoutMs: o.probeTargetTimeoutMs } : {}),
        },
        payload,
        helpers,
      )
      say(
        `job ${helpers.job.id} ${PROBE_TASK} ${helpers.job.key ?? ''}: ${r.outcome} (${r.verdict})`,
      )
    },
    [HUNT_TASK]: async (payload, helpers) => {
      const r = await runHuntJob(
        { store, hunter, timeoutMs: o.huntTimeoutMs, actor },
        payload,
        helpers.abortSignal,
      )
      say(
        `job ${helpers.job.id} ${HUNT_TASK} ${helpers.job.key ?? ''}: ${r.outcome}${r.verdict ? ` (${r.verdict}${r.complete ? '' : ', incomplete'})` : ''}`,
      )
    },
  }

  const events: WorkerEvents = new EventEmitter()
  // graphile-worker 0.17 locks jobs with its pool's id (not each worker's): that is what
  // force_unlock_workers needs
  events.on('pool:create', ({ workerPool }) => {
    workerIds.push(workerPool.id)
    // listed at once, so a kill -9 right after this is released by the next worker's start
    beat(store.pool, { id, host: hostname(), pid: process.pid, workerIds }).catch(() => {})
  })
  events.on('job:success', () => jobs.done++)
  events.on('job:error', ({ job, error }) => {
    say(
      `job ${job.id} ${job.task_identifier} failed (attempt ${job.attempts}/${job.max_attempts}): ${(error as Error)?.message ?? error}`,
    )
  })
  events.on('job:failed', () => jobs.failed++)

  const runner = await run({
    pgPool: store.pool,
    concurrency: o.concurrency,
    taskList,
    events,
    logger: quietLogger,
    noHandleSignals: true,
    ...queueSettings(store),
  })
  const timers = [
    setInterval(() => {
      beat(store.pool, { id, host: hostname(), pid: process.pid, workerIds }).catch(() => {})
    }, HEARTBEAT_MS),
  ]
  if (store.kind === 'pglite')
    timers.push(
      setInterval(() => {
        store.pool.query('vacuum graphile_worker._private_jobs').catch(() => {})
      }, VACUUM_EVERY_MS),
    )
  for (const t of timers) t.unref()
  say(`worker ${id} on ${store.kind} ${store.where}, concurrency ${o.concurrency}`)

  const stopped = new Promise<void>((resolve) => {
    if (o.signal.aborted) resolve()
    else o.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  await Promise.race([stopped, runner.promise])
  for (const t of timers) clearInterval(t)
  await runner.stop().catch(() => {})
  await markStopped(store.pool, id)
  return { id, released, jobs }
}
