// `survey scan`: one probe job per stored target, job key `probe:<target id>` (a target waiting in
// the queue is kept, not queued twice). Targets are paged by id and each page is queued by one
// graphile_worker.add_jobs statement built in SQL from the targets table: a round trip per 5,000
// targets, not per target.
import type { ProbeLevel } from '../shared/probe.ts'
import { audit } from '../store/audit.ts'
import type { Store } from '../store/open.ts'
import { PROBE_TASK } from './probe-task.ts'
import { prepareQueue } from './queue.ts'

export const SCAN_PAGE = 5000

export interface ScanOptions {
  level: ProbeLevel
  tag?: string
  everyMs?: number
  actor: string
  page?: number
}

export async function queueScan(
  store: Store,
  o: ScanOptions,
): Promise<{ targets: number; queued: number; alreadyQueued: number; scan: string }> {
  await prepareQueue(store)
  const scan = new Date().toISOString()
  const page = o.page ?? SCAN_PAGE
  let after = 0
  let targets = 0
  let already = 0
  for (;;) {
    const r = await store.pool.query<{ last: number | null; n: string; waiting: string }>(
      `with page as (
         select id::int as id, target from targets
         where id > $1 and ($2::text is null or $2 = any(tags)) order by id limit $3),
       waiting as (
         select count(*) as n from graphile_worker._private_jobs j join page p on j.key = 'probe:' || p.id),
       added as (
         select count(*) as n from graphile_worker.add_jobs(array(
           select row($4::text,
                      json_build_object('targetId', p.id, 'target', p.target, 'level', $5::text,
                                        'scan', $6::text, 'everyMs', $7::float8),
                      null, null, 5, 'probe:' || p.id, null, null)::graphile_worker.job_spec
           from page p order by p.id), true))
       select (select max(id) from page) as last, (select count(*) from page) as n,
              (select n from waiting) as waiting, (select n from added) as added`,
      [after, o.tag ?? null, page, PROBE_TASK, o.level, scan, o.everyMs ?? null],
    )
    const row = r.rows[0]
    const n = Number(row?.n ?? 0)
    if (!row || n === 0 || row.last === null) break
    targets += n
    already += Number(row.waiting)
    after = row.last
    if (n < page) break
  }
  const result = { targets, queued: targets - already, alreadyQueued: already, scan }
  await audit(store.pool, o.actor, 'scan.queue', null, {
    ...result,
    level: o.level,
    tag: o.tag ?? null,
  })
  return result
}
