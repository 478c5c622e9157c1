// A job held by a killed worker stays locked in graphile-worker until locked_at + 4 h. A starting
// worker releases the locks of workers known dead at once: on the embedded store every other
// worker is dead (this process owns the data folder); on PostgreSQL a worker on this host whose pid
// is gone, or any worker whose heartbeat is older than STALE_MS.
import { hostname } from 'node:os'
import { liveHeartbeats, markReleased } from '../store/heartbeats.ts'
import type { Store } from '../store/open.ts'

/** A heartbeat this old belongs to a dead worker (they beat every HEARTBEAT_MS). */
export const HEARTBEAT_MS = 5_000
export const STALE_MS = 60_000

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface Released {
  processes: string[]
  workerIds: string[]
  jobs: number
}

export async function releaseDeadWorkers(store: Store, self: string): Promise<Released> {
  const here = hostname()
  const dead = (await liveHeartbeats(store.pool)).filter(
    (h) =>
      h.id !== self &&
      ((store.kind === 'pglite' && store.owner) ||
        (h.host === here && !pidAlive(h.pid)) ||
        h.seenAgoMs > STALE_MS),
  )
  const workerIds = dead.flatMap((h) => h.workerIds)
  // A worker killed before its first heartbeat listed its ids: a lock by an id no live heartbeat
  // names, older than STALE_MS (any age on the embedded store, where no other worker can exist).
  const orphans = await store.pool.query<{ id: string }>(
    `select distinct locked_by as id from graphile_worker._private_jobs j
     where locked_by is not null and locked_at < now() - make_interval(secs => $1)
       and not exists (select 1 from worker_heartbeats h
                       where h.stopped_at is null and h.released_at is null and j.locked_by = any(h.worker_ids))`,
    [store.kind === 'pglite' && store.owner ? 0 : STALE_MS / 1000],
  )
  for (const o of orphans.rows) if (!workerIds.includes(o.id)) workerIds.push(o.id)
  let jobs = 0
  if (workerIds.length) {
    const locked = await store.pool.query(
      'select count(*)::int as n from graphile_worker._private_jobs where locked_by = any($1::text[])',
      [workerIds],
    )
    jobs = locked.rows[0]?.n ?? 0
    await store.pool.query('select graphile_worker.force_unlock_workers($1::text[])', [workerIds])
  }
  await markReleased(
    store.pool,
    dead.map((h) => h.id),
  )
  return { processes: dead.map((h) => h.id), workerIds, jobs }
}
