// Worker heartbeats: each worker process keeps a row fresh and lists its graphile-worker ids, so a
// starting worker can tell which workers are dead and release their job locks at once instead of
// graphile-worker's 4-hour lock expiry.
import type { Queryable } from './audit.ts'

export interface Heartbeat {
  id: string
  host: string
  pid: number
  workerIds: string[]
  seenAgoMs: number
}

export async function beat(
  db: Queryable,
  h: { id: string; host: string; pid: number; workerIds: readonly string[] },
): Promise<void> {
  await db.query(
    `insert into worker_heartbeats (id, host, pid, worker_ids) values ($1, $2, $3, $4)
     on conflict (id) do update set seen_at = now(), worker_ids = excluded.worker_ids`,
    [h.id, h.host, h.pid, [...h.workerIds]],
  )
}

export async function markStopped(db: Queryable, id: string): Promise<void> {
  await db.query('update worker_heartbeats set stopped_at = now() where id = $1', [id])
}

/** Workers neither stopped nor released yet (some may be dead). */
export async function liveHeartbeats(db: Queryable): Promise<Heartbeat[]> {
  const r = await db.query<Heartbeat>(
    `select id, host, pid, worker_ids as "workerIds",
            (extract(epoch from (now() - seen_at)) * 1000)::float8 as "seenAgoMs"
     from worker_heartbeats where stopped_at is null and released_at is null`,
  )
  return r.rows
}

export async function markReleased(db: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length)
    await db.query('update worker_heartbeats set released_at = now() where id = any($1::text[])', [
      [...ids],
    ])
}
