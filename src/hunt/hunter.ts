// A runner for many hunts (a folder of evidence zips, a survey service): its workers live across
// hunts and compile each content once, so the second hunt pays no YARA or rule compile.
import type { HuntReport } from '../shared/types.ts'
import { createLanes } from './lanes.ts'
import type { PoolStats } from './pool.ts'
import { type HuntOptions, huntOn, workerCount } from './run.ts'

export interface HunterOptions {
  /** Worker threads per kind of job (default: all cores). */
  workers?: number
  /** Default per-job limit for every hunt (a hunt's own `jobTimeoutMs` wins). */
  jobTimeoutMs?: number
}

export interface Hunter {
  /** One hunt; hunts may overlap, their jobs share the workers. */
  hunt(opts: Omit<HuntOptions, 'workers'>): Promise<HuntReport>
  /** Workers started, contents compiled and jobs run, per kind of job. */
  stats(): { log: PoolStats | undefined; web: PoolStats | undefined }
  /** Ends the workers; the hunter takes no more hunts. */
  close(): Promise<void>
}

export function createHunter(opts: HunterOptions = {}): Hunter {
  const workers = workerCount(opts.workers)
  const lanes = createLanes(workers, true)
  let closed = false
  return {
    hunt(given) {
      if (closed) return Promise.reject(new Error('the hunter is closed'))
      return huntOn(
        {
          ...given,
          workers,
          ...(given.jobTimeoutMs === undefined && opts.jobTimeoutMs !== undefined
            ? { jobTimeoutMs: opts.jobTimeoutMs }
            : {}),
        },
        lanes,
      )
    },
    stats: () => lanes.stats(),
    async close() {
      closed = true
      await lanes.close()
    },
  }
}
