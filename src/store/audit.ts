// Who did what: one row per action that changed the store (targets added, reports stored, jobs queued).
import { hostname, userInfo } from 'node:os'
import type pg from 'pg'

export type Queryable = Pick<pg.Pool, 'query'>

/** The person or process acting: `user@host` for the CLI, `worker:<id>` for a worker. */
export function cliActor(): string {
  let user = 'unknown'
  try {
    user = userInfo().username
  } catch {
    // no passwd entry (containers): keep 'unknown'
  }
  return `${user}@${hostname()}`
}

export async function audit(
  db: Queryable,
  actor: string,
  action: string,
  subject: string | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db.query('insert into audit_log (actor, action, subject, detail) values ($1, $2, $3, $4)', [
    actor,
    action,
    subject,
    JSON.stringify(detail),
  ])
}

export interface AuditEntry {
  at: Date
  actor: string
  action: string
  subject: string | null
  detail: Record<string, unknown>
}

export async function recentAudit(db: Queryable, limit = 50): Promise<AuditEntry[]> {
  const r = await db.query<AuditEntry>(
    'select at, actor, action, subject, detail from audit_log order by id desc limit $1',
    [limit],
  )
  return r.rows
}
