// Each target's notify state from the store: the newest probe observation that says exposed,
// patched or compromised (unreachable / not-Exchange observations change nothing: a server that
// is down is not patched), raised to compromised by a stored hunt report that says so. `since` is
// the first observation of the current run of that state, so the same episode always gives the same
// notice key and a new episode a new one.
import { normaliseEmail } from '../owner/email.ts'
import { parseIp } from '../owner/ip.ts'
import type { Sql } from './sql.ts'
import type { TargetStatus } from './types.ts'

const STATUS_SQL = `
with stated as (
  select target_id, id, observed_at,
         case verdict when 'vulnerable' then 'exposed' when 'patched' then 'patched'
                      when 'likely-compromised' then 'compromised' end as state
  from observations
  where verdict in ('vulnerable', 'patched', 'likely-compromised')
), latest as (
  select distinct on (target_id) target_id, id, state, observed_at
  from stated order by target_id, observed_at desc, id desc
), other as (
  select s.target_id, max(s.observed_at) as last_other
  from stated s join latest l using (target_id)
  where s.state <> l.state group by s.target_id
), since as (
  select l.target_id, min(s.observed_at) as since
  from latest l join stated s on s.target_id = l.target_id and s.state = l.state
  left join other o on o.target_id = l.target_id
  where o.last_other is null or s.observed_at > o.last_other
  group by l.target_id
), hunted as (
  select distinct on (target_id) target_id, verdict, coalesce(finished_at, stored_at) as at
  from reports where target_id is not null and kind = 'hunt'
  order by target_id, coalesce(finished_at, stored_at) desc, id desc
), compromised as (
  select target_id, min(coalesce(finished_at, stored_at)) as since
  from reports where target_id is not null and verdict = 'compromised' group by target_id
)
select t.id::text as id, t.target, t.owner,
       l.state, si.since, l.observed_at as last_seen, o.result,
       h.verdict as hunt_verdict, c.since as compromised_since, h.at as hunt_at
from targets t
left join latest l on l.target_id = t.id
left join since si on si.target_id = t.id
left join observations o on o.id = l.id
left join hunted h on h.target_id = t.id
left join compromised c on c.target_id = t.id
where l.target_id is not null or c.target_id is not null
order by t.id`

/** `Name <a@b>` or `a@b` → the address; anything else is an organisation name. */
export function ownerOfRecord(owner: string | null): TargetStatus['owner'] {
  if (!owner?.trim()) return undefined
  const angle = /^(.*)<([^<>]+)>\s*$/.exec(owner)
  const email = normaliseEmail(angle ? angle[2] : owner)
  if (email) return { email, organisation: angle?.[1]?.trim() || undefined }
  return { organisation: owner.trim() }
}

/** The IP of a target stored as an address (`192.0.2.7`, `192.0.2.7:443`, `https://[2001:db8::1]/`). */
export function ipOfTarget(target: string): string | undefined {
  let host = target
  try {
    if (/^https?:\/\//i.test(target)) host = new URL(target).hostname
  } catch {
    return undefined
  }
  host = host.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^([\d.]+):\d+$/, '$1')
  return parseIp(host) ? host : undefined
}

const iso = (v: unknown) =>
  v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()

export async function targetStatuses(db: Sql): Promise<TargetStatus[]> {
  const r = await db.query(STATUS_SQL)
  const out: TargetStatus[] = []
  for (const row of r.rows) {
    const result =
      typeof row.result === 'string' ? JSON.parse(row.result) : (row.result ?? undefined)
    const compromised = row.compromised_since != null
    const state = compromised ? 'compromised' : row.state
    if (!state) continue
    out.push({
      targetId: String(row.id),
      label: row.target,
      ip: result?.target?.ip ?? ipOfTarget(row.target),
      owner: ownerOfRecord(row.owner),
      state,
      since: iso(
        compromised && row.state !== 'compromised'
          ? row.compromised_since
          : (row.since ?? row.compromised_since),
      ),
      lastSeen: iso(row.last_seen ?? row.hunt_at),
      probe: result,
      huntVerdict: row.hunt_verdict ?? undefined,
    })
  }
  return out
}
