// kill -9 of a real `exhunt worker` process in the middle of hunt jobs, on both stores: the next
// worker releases the dead one's locks at start (heartbeat: same host, pid gone), runs what was in
// flight again, and the store ends with exactly one report per collection: nothing lost, nothing
// twice.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { after, describe, test } from 'node:test'
import pg from 'pg'
import { openStore, type StoreOptions } from '../../src/store/open.ts'
import { queueHunt } from '../../src/survey/enqueue-hunt.ts'
import { huntKey } from '../../src/survey/hunt-task.ts'
import { BIN } from '../e2e/cli.ts'
import { testBackends } from '../helpers/stores.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { demoCollection } from './collections.ts'

const COLLECTIONS = 6

function startWorker(opts: StoreOptions): {
  child: ChildProcess
  stderr: () => string
  exit: Promise<number | null>
} {
  const env: NodeJS.ProcessEnv = { ...process.env, EXHUNT_FROM_SOURCE: '1' }
  delete env.NODE_TEST_CONTEXT
  delete env.NODE_OPTIONS
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl
  else delete env.DATABASE_URL
  const args = [BIN, 'worker', '--concurrency', '2', '--workers', '1']
  if (opts.dataDir) args.push('--data', opts.dataDir)
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr?.on('data', (d) => {
    err += d
  })
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return { child, stderr: () => err, exit }
}

/** A connection beside the worker: PostgreSQL directly, PGlite through the worker's socket. */
function peer(opts: StoreOptions): pg.Pool {
  const pool = opts.databaseUrl
    ? new pg.Pool({ connectionString: opts.databaseUrl, max: 1 })
    : new pg.Pool({
        host: opts.dataDir,
        port: 5432,
        user: 'postgres',
        database: 'postgres',
        max: 1,
      })
  pool.on('error', () => {})
  return pool
}

interface State {
  reports: number
  distinct: number
  locked: number
  queued: number
  failed: number
}

async function state(pool: pg.Pool): Promise<State | undefined> {
  try {
    const r = await pool.query(
      `select (select count(*) from reports)::int as reports,
              (select count(distinct key) from reports)::int as distinct,
              (select count(*) from graphile_worker._private_jobs where locked_at is not null)::int as locked,
              (select count(*) from graphile_worker._private_jobs where locked_at is null and attempts < max_attempts)::int as queued,
              (select count(*) from graphile_worker._private_jobs where attempts >= max_attempts)::int as failed`,
    )
    return r.rows[0] as State
  } catch {
    return undefined // the worker (and, on PGlite, its socket) is not up yet
  }
}

async function waitFor(what: string, fn: () => Promise<boolean>, log: () => string, ms = 240_000) {
  const end = Date.now() + ms
  while (!(await fn())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}; worker said: ${log()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

for (const backend of await testBackends()) {
  describe(`kill -9 of a worker on ${backend.name}`, { skip: backend.skip }, () => {
    after(() => backend.cleanup())

    test('mid-job: nothing lost, nothing stored twice', async () => {
      const opts = await backend.fresh()
      const dir = tmpDir('exhunt-crash-')
      const keys = new Set<string>()
      {
        const store = await openStore(opts)
        for (let i = 0; i < COLLECTIONS; i++) {
          const q = await queueHunt(store, demoCollection(dir, `victim-${i}`), 'test')
          keys.add(huntKey(q.sha256))
        }
        await store.close() // on PGlite the worker must own the folder
      }

      const first = startWorker(opts)
      const pool1 = peer(opts)
      let atKill: State | undefined
      try {
        await waitFor(
          'a stored report with a job in flight',
          async () => {
            const s = await state(pool1)
            if (s && s.reports >= 1 && s.locked >= 1 && s.reports < COLLECTIONS) {
              first.child.kill('SIGKILL')
              atKill = s
              return true
            }
            return false
          },
          first.stderr,
        )
        await first.exit
      } finally {
        await pool1.end()
        first.child.kill('SIGKILL')
      }
      assert.ok(atKill)

      const second = startWorker(opts)
      const pool2 = peer(opts)
      let end: State | undefined
      try {
        await waitFor(
          'every collection hunted',
          async () => {
            end = await state(pool2)
            return (
              end !== undefined &&
              end.reports === COLLECTIONS &&
              end.locked === 0 &&
              end.queued === 0
            )
          },
          second.stderr,
        )
        const stored = await pool2.query('select key from reports')
        assert.deepEqual(new Set(stored.rows.map((r) => r.key)), keys, 'one report per collection')
      } finally {
        await pool2.end()
        second.child.kill('SIGINT')
      }
      assert.equal(await second.exit, 0, second.stderr())
      assert.match(second.stderr(), /released [1-9]\d* job\(s\) locked by \d+ dead worker pool/)
      assert.deepEqual(end, {
        reports: COLLECTIONS,
        distinct: COLLECTIONS,
        locked: 0,
        queued: 0,
        failed: 0,
      })
      process.stderr.write(
        `crash on ${backend.name}: killed with ${atKill.reports} stored, ${atKill.locked} in flight; after restart ${end?.reports} reports, ${end?.distinct} distinct\n`,
      )
    })
  })
}
