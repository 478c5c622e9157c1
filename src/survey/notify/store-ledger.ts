// The ledger on the store's `notifications` table: one row per (target, state, recipient), with
// `notice_key` tying the rows one e-mail covers together. Every step is one SQL statement, so it is
// atomic on PostgreSQL and on PGlite alike (where connections share one session and an open
// transaction would block every other connection):
//   claim    insert the rows (pending) if new, then move ALL of them to 'claimed' in one UPDATE that
//            only fires when every row is free (pending, failed, or sent for an older episode: the
//            target was announced in another state since); a row locked by a concurrent claim is
//            re-read after the lock, so two senders never both claim.
//   confirm  claimed → sent; release: claimed → failed (retried by the next run).
// A row left 'claimed' (or moved to 'in-doubt' by the store) is never claimed again by this code.
import type { ClaimResult, NoticeLedger, UnconfirmedClaim } from './ledger.ts'
import type { Sql } from './sql.ts'
import type { NotifyState, PlannedNotice } from './types.ts'

const ids = (n: PlannedNotice) => n.targets.map((t) => t.targetId)

export function storeLedger(db: Sql, claimedBy: string): NoticeLedger {
  return {
    async lastStates(targetIds) {
      const r = await db.query(
        `select distinct on (target_id) target_id::text as id, state from notifications
         where target_id = any($1::bigint[]) and status in ('sent', 'claimed', 'in-doubt')
         order by target_id, coalesce(sent_at, claimed_at, created_at) desc, id desc`,
        [targetIds],
      )
      return new Map(r.rows.map((row) => [String(row.id), row.state as NotifyState]))
    },

    async claim(n, recipient, messageId): Promise<ClaimResult> {
      await db.query(
        `insert into notifications (target_id, state, recipient, message_id, notice_key)
         select t::bigint, $2, $3, $4 || ' target ' || t, $5 from unnest($1::text[]) as t
         on conflict do nothing`,
        [ids(n), n.state, recipient, messageId, n.key],
      )
      const r = await db.query(
        `with rows as (
           select id, status, target_id, sent_at from notifications
           where target_id = any($1::bigint[]) and state = $2 and recipient = $3
           for update
         ), free as (
           select count(*) filter (
             where status in ('pending', 'failed')
                or (status = 'sent' and exists (
                      select 1 from notifications later
                      where later.target_id = rows.target_id and later.state <> $2
                        and later.sent_at > rows.sent_at))
           ) = $4 and count(*) = $4 as all_free
           from rows
         )
         update notifications n
            set status = 'claimed', claimed_by = $5, claimed_at = now(), notice_key = $6,
                message_id = $7 || ' target ' || n.target_id, error = null, sent_at = null
           from free
          where free.all_free and n.id in (select id from rows)
         returning n.id`,
        [ids(n), n.state, recipient, n.targets.length, claimedBy, n.key, messageId],
      )
      if (r.rowCount === n.targets.length) return { claimed: true }
      const st = await db.query(
        `select status from notifications
         where target_id = any($1::bigint[]) and state = $2 and recipient = $3`,
        [ids(n), n.state, recipient],
      )
      const statuses = new Set(st.rows.map((row) => row.status as string))
      return {
        claimed: false,
        status: statuses.has('claimed') || statuses.has('in-doubt') ? 'in-doubt' : 'sent',
      }
    },

    async confirm(n) {
      await db.query(
        `update notifications set status = 'sent', sent_at = now(), error = null
         where notice_key = $1 and status = 'claimed'`,
        [n.key],
      )
    },

    async release(n, _recipient, error) {
      await db.query(
        `update notifications set status = 'failed', error = $2
         where notice_key = $1 and status = 'claimed'`,
        [n.key, error],
      )
    },

    async unconfirmed(): Promise<UnconfirmedClaim[]> {
      const r = await db.query(
        `select notice_key as key, array_agg(target_id::text order by target_id) as targets, state,
                recipient, min(claimed_at) as "claimedAt", min(claimed_by) as "claimedBy"
         from notifications where status in ('claimed', 'in-doubt')
         group by notice_key, state, recipient order by min(claimed_at)`,
      )
      return r.rows.map((row) => ({
        key: row.key ?? undefined,
        targets: row.targets,
        state: row.state,
        recipient: row.recipient,
        claimedAt: new Date(row.claimedAt).toISOString(),
        claimedBy: row.claimedBy ?? undefined,
      }))
    },
  }
}

/**
 * A person settles a notice left in doubt: `sent` (the owner has it) or `resend` (it never arrived:
 * the next run sends it again). Returns the number of rows changed.
 */
export async function settleNotice(db: Sql, key: string, how: 'sent' | 'resend'): Promise<number> {
  const r = await db.query(
    how === 'sent'
      ? `update notifications set status = 'sent', sent_at = coalesce(sent_at, now())
         where notice_key = $1 and status in ('claimed', 'in-doubt')`
      : `update notifications set status = 'failed', error = 'resend requested'
         where notice_key = $1 and status in ('claimed', 'in-doubt')`,
    [key],
  )
  return r.rowCount ?? 0
}
