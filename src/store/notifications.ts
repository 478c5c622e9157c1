// Notifications: one e-mail per (target, state change, recipient). The row exists before anything
// is sent; a sender claims it (pending → claimed) in one statement, sends with the row's
// deterministic Message-ID, then marks it sent. A crash between claim and mark leaves it claimed:
// in doubt, reported to a person, never sent again blindly. The sending is the notify step's.
import { createHash } from 'node:crypto'
import type { Queryable } from './audit.ts'

/** The same (target, state, recipient) always gives the same Message-ID, so a resend is recognisable. */
export function notificationMessageId(target: string, state: string, recipient: string): string {
  const h = createHash('sha256')
    .update(`${target}\n${state}\n${recipient.toLowerCase()}`)
    .digest('hex')
  return `<${h.slice(0, 32)}@exhunt.notify>`
}

/** Queues a notification; false when that state was already queued for that recipient. */
export async function queueNotification(
  db: Queryable,
  n: { targetId: number; target: string; state: string; recipient: string },
): Promise<boolean> {
  const r = await db.query(
    `insert into notifications (target_id, state, recipient, message_id) values ($1, $2, $3, $4)
     on conflict do nothing`,
    [n.targetId, n.state, n.recipient, notificationMessageId(n.target, n.state, n.recipient)],
  )
  return r.rowCount === 1
}

export interface ClaimedNotification {
  id: number
  targetId: number
  state: string
  recipient: string
  messageId: string
}

/** Claims up to `limit` pending notifications for `by`; each is claimed by exactly one caller. */
export async function claimNotifications(
  db: Queryable,
  by: string,
  limit: number,
): Promise<ClaimedNotification[]> {
  const r = await db.query<ClaimedNotification>(
    `update notifications set status = 'claimed', claimed_by = $1, claimed_at = now()
     where id in (select id from notifications where status = 'pending' order by id limit $2 for update skip locked)
       and status = 'pending'
     returning id::int as id, target_id::int as "targetId", state, recipient, message_id as "messageId"`,
    [by, limit],
  )
  return r.rows
}

export async function markNotification(
  db: Queryable,
  id: number,
  outcome: { sent: true } | { sent: false; error: string },
): Promise<void> {
  if (outcome.sent)
    await db.query(
      `update notifications set status = 'sent', sent_at = now() where id = $1 and status = 'claimed'`,
      [id],
    )
  else
    await db.query(
      `update notifications set status = 'failed', error = $2 where id = $1 and status = 'claimed'`,
      [id, outcome.error],
    )
}

/** Claimed and never marked (the sender died mid-send): moved to 'in-doubt' and returned for a person to check. */
export async function notificationsInDoubt(
  db: Queryable,
  olderThanSeconds: number,
): Promise<ClaimedNotification[]> {
  const r = await db.query<ClaimedNotification>(
    `update notifications set status = 'in-doubt'
     where status = 'claimed' and claimed_at < now() - make_interval(secs => $1)
     returning id::int as id, target_id::int as "targetId", state, recipient, message_id as "messageId"`,
    [olderThanSeconds],
  )
  return r.rows
}
