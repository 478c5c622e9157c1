// Applies the migrations not yet recorded, in one transaction. Two processes starting at once on
// PostgreSQL serialise on a transaction-level advisory lock; the embedded store has one session, so
// there the lock excludes nothing and nothing needs it.
import type pg from 'pg'
import { ExhuntError } from '../shared/errors.ts'
import { MIGRATIONS, type Migration } from './migrations.ts'

// any fixed number: 'exhu' in ASCII
const MIGRATION_LOCK = 0x65786875

export async function migrate(
  pool: pg.Pool,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const client = await pool.connect()
  const applied: number[] = []
  try {
    await client.query('begin')
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`)
    const done = new Set(
      (await client.query<{ version: number }>('select version from schema_migrations')).rows.map(
        (r) => r.version,
      ),
    )
    const newest = Math.max(0, ...done)
    const known = Math.max(0, ...migrations.map((m) => m.version))
    if (newest > known)
      throw new ExhuntError(
        'EXH_ERR_STORE',
        `the store's schema is version ${newest}, newer than this exhunt knows (${known}): upgrade exhunt`,
      )
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue
      await client.query(m.sql)
      await client.query('insert into schema_migrations (version, name) values ($1, $2)', [
        m.version,
        m.name,
      ])
      applied.push(m.version)
    }
    await client.query('commit')
    return applied
  } catch (e) {
    await client.query('rollback').catch(() => {})
    throw e
  } finally {
    client.release()
  }
}
