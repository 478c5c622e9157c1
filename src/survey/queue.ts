// The queue is graphile-worker's, on whichever store is open. Jobs are added with SQL
// (graphile_worker.add_job) so that adding is one statement on both backends, with a job key that
// names the work (a collection's SHA-256, a target), so the same work is never queued twice.
import { Logger, runMigrations } from 'graphile-worker'
import type { Store } from '../store/open.ts'

/** graphile-worker's settings for a store: the embedded one has one shared session (docs/survey.md). */
export function queueSettings(store: Store) {
  const embedded = store.kind === 'pglite'
  return {
    // pglite-socket cannot keep named prepared statements apart between connections
    noPreparedStatements: embedded,
    // LISTEN/NOTIFY never reaches another connection of the shared session: poll often instead
    pollInterval: embedded ? 100 : 2000,
  }
}

/** Creates or upgrades graphile-worker's own schema (the runner does it too; adders need it first). */
export async function prepareQueue(store: Store): Promise<void> {
  await runMigrations({ pgPool: store.pool, ...queueSettings(store), logger: quietLogger })
  prepared.add(store)
}
const prepared = new WeakSet<Store>()

export interface AddedJob {
  id: string
  /** false when a job with that key was already waiting (it is kept, not duplicated). */
  added: boolean
}

export async function addJob(
  store: Store,
  task: string,
  payload: Record<string, unknown>,
  opts: { jobKey: string; maxAttempts?: number },
): Promise<AddedJob> {
  if (!prepared.has(store)) await prepareQueue(store)
  const before = await store.pool.query(
    'select id from graphile_worker._private_jobs where key = $1',
    [opts.jobKey],
  )
  // preserve_run_at: adding the same key again while the job waits keeps its place in the queue
  const r = await store.pool.query<{ id: string }>(
    `select id::text from graphile_worker.add_job($1, $2::json, job_key => $3,
       job_key_mode => 'preserve_run_at', max_attempts => $4)`,
    [task, JSON.stringify(payload), opts.jobKey, opts.maxAttempts ?? 5],
  )
  return { id: r.rows[0]?.id ?? '', added: before.rowCount === 0 }
}

/** graphile-worker's log lines at warning and above only, on stderr (its info lines would flood a TTY). */
export const quietLogger = new Logger(() => (level, message) => {
  if (String(level) === 'error' || String(level) === 'warning')
    process.stderr.write(`graphile-worker ${level}: ${message}\n`)
})
