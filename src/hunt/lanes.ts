// The worker pools a hunt runs on, one per kind of job (each with the V8 limits its work needs), all
// on the one worker entry. A runner (hunter.ts) keeps them across hunts; a one-shot hunt starts them
// when it needs them, sized to its work, and ends them as soon as its phase is done.
import { createLogPool } from './logs.ts'
import type { PoolStats, WorkerPool } from './pool.ts'
import { createWebPool } from './webfile-pool.ts'

export interface LaneAccess {
  /** The pool, started now if it is not running. `hint`: jobs waiting, to size a one-shot pool. */
  get(hint?: number): WorkerPool
  /** The pool if it is running (nothing is started). */
  peek(): WorkerPool | undefined
}

export interface Lanes {
  readonly persistent: boolean
  log: LaneAccess
  web: LaneAccess
  /** Ends the log workers of a one-shot hunt before its web phase (a runner keeps them). */
  logsDone(): Promise<void>
  stats(): { log: PoolStats | undefined; web: PoolStats | undefined }
  close(): Promise<void>
}

export function createLanes(workers: number, persistent: boolean): Lanes {
  let log: WorkerPool | undefined
  let web: WorkerPool | undefined
  // Figures of pools already ended, so a one-shot hunt's counts survive logsDone.
  const ended: { log?: PoolStats; web?: PoolStats } = {}
  const size = (hint?: number) =>
    persistent || hint === undefined ? workers : Math.max(1, Math.min(workers, hint))
  return {
    persistent,
    log: {
      get: (hint) => {
        log ??= createLogPool(size(hint))
        return log
      },
      peek: () => log,
    },
    web: {
      get: (hint) => {
        web ??= createWebPool(size(hint))
        return web
      },
      peek: () => web,
    },
    async logsDone() {
      if (persistent || !log) return
      ended.log = log.stats()
      const l = log
      log = undefined
      await l.close()
    },
    stats: () => ({ log: log?.stats() ?? ended.log, web: web?.stats() ?? ended.web }),
    async close() {
      const all = [log, web]
      if (log) ended.log = log.stats()
      if (web) ended.web = web.stats()
      log = undefined
      web = undefined
      await Promise.all(all.map((p) => p?.close()))
    },
  }
}
