// Counts for `exhunt survey status`: what the store holds, and (when graphile-worker's schema is
// there) what the queue holds.
import type { Queryable } from './audit.ts'

export interface StoreCounts {
  targets: number
  observations: number
  reports: { total: number; incomplete: number; byVerdict: Record<string, number> }
  notifications: Record<string, number>
  jobs: { queued: number; locked: number; failed: number } | null
  workers: { live: number }
}

const n = (v: unknown) => Number(v ?? 0)

export async function storeCounts(db: Queryable): Promise<StoreCounts> {
  const one = async (sql: string) => n((await db.query(sql)).rows[0]?.n)
  const byVerdict: Record<string, number> = {}
  for (const r of (
    await db.query('select verdict, count(*) as n from reports group by verdict order by verdict')
  ).rows)
    byVerdict[r.verdict] = n(r.n)
  const notifications: Record<string, number> = {}
  for (const r of (
    await db.query(
      'select status, count(*) as n from notifications group by status order by status',
    )
  ).rows)
    notifications[r.status] = n(r.n)
  let jobs: StoreCounts['jobs'] = null
  const hasQueue = (await db.query(`select to_regclass('graphile_worker._private_jobs') as t`))
    .rows[0]?.t
  if (hasQueue) {
    const r = (
      await db.query(
        `select count(*) filter (where locked_at is null and attempts < max_attempts) as queued,
                count(*) filter (where locked_at is not null) as locked,
                count(*) filter (where attempts >= max_attempts) as failed
         from graphile_worker._private_jobs`,
      )
    ).rows[0]
    jobs = { queued: n(r?.queued), locked: n(r?.locked), failed: n(r?.failed) }
  }
  return {
    targets: await one('select count(*) as n from targets'),
    observations: await one('select count(*) as n from observations'),
    reports: {
      total: await one('select count(*) as n from reports'),
      incomplete: await one('select count(*) as n from reports where not complete'),
      byVerdict,
    },
    notifications,
    jobs,
    workers: {
      live: await one(
        'select count(*) as n from worker_heartbeats where stopped_at is null and released_at is null',
      ),
    },
  }
}
