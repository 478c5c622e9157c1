// Jobs per second of the survey queue (graphile-worker 0.17.3) on each store, with the settings
// `exhunt worker` uses (survey/queue.ts queueSettings): N jobs added with job keys, then run at
// concurrency C by one process, each job an idempotent store write (a small report under the job's
// key, what a probe job's observation write costs). Also the enqueue rate. Never part of npm test.
//   npx tsx bench/survey-jobs.ts [--jobs 2000] [--concurrency 10] [--store pglite,postgres]
//   PostgreSQL: EXHUNT_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test); a database is
//   made for the run and dropped after.
import { EventEmitter } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { run, type WorkerEvents } from 'graphile-worker'
import pg from 'pg'
import { openStore, type Store, type StoreOptions } from '../src/store/open.ts'
import { storeReport } from '../src/store/reports.ts'
import { addJob, prepareQueue, queueSettings, quietLogger } from '../src/survey/queue.ts'

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '10' },
    store: { type: 'string', default: 'pglite,postgres' },
  },
})
const N = Number(values.jobs)
const C = Number(values.concurrency)
const ADMIN = process.env.EXHUNT_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test'

const envelope = (i: number) => ({
  schema: 'exhunt.hunt/2',
  kind: 'hunt' as const,
  tool: { name: 'exhunt' as const, version: 'bench', contentVersion: 'bench' },
  target: { hosts: [`exch${i}`] },
  startedAt: new Date().toISOString(),
  finishedAt: new Date().toISOString(),
  complete: true,
  verdict: 'clean' as const,
  verdictReasons: [],
  advice: { verdict: 'clean', steps: [], source: 'none' } as never,
})

async function measure(store: Store) {
  await prepareQueue(store)
  const cpu0 = process.cpuUsage()
  let t = performance.now()
  for (let i = 0; i < N; i++) await addJob(store, 'write', { i }, { jobKey: `bench:${i}` })
  const addS = (performance.now() - t) / 1000
  let done = 0
  const events: WorkerEvents = new EventEmitter()
  events.on('job:success', () => done++)
  t = performance.now()
  const cpu1 = process.cpuUsage()
  const runner = await run({
    pgPool: store.pool,
    concurrency: C,
    noHandleSignals: true,
    logger: quietLogger,
    events,
    ...queueSettings(store),
    taskList: {
      write: async (payload) => {
        const i = (payload as { i: number }).i
        await storeReport(store.pool, { key: `bench:${i}`, report: envelope(i), origin: 'worker' })
      },
    },
  })
  while (done < N) await new Promise((r) => setTimeout(r, 20))
  const runS = (performance.now() - t) / 1000
  const cpuRun = process.cpuUsage(cpu1)
  await runner.stop()
  const left = (
    await store.pool.query('select count(*)::int as n from graphile_worker._private_jobs')
  ).rows[0].n
  const stored = (await store.pool.query('select count(*)::int as n from reports')).rows[0].n
  return {
    add: { jobsPerS: Math.round(N / addS) },
    run: {
      jobsPerS: Math.round(N / runS),
      cpuMsPerJob: +((cpuRun.user + cpuRun.system) / 1000 / N).toFixed(2),
    },
    left,
    stored,
    cpuTotalS: +((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6).toFixed(1),
  }
}

for (const kind of values.store.split(',')) {
  let opts: StoreOptions
  let cleanup: () => Promise<void>
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'exhunt-bench-'))
    opts = { dataDir: join(dir, 'data'), poolSize: C + 4 }
    cleanup = async () => rmSync(dir, { recursive: true, force: true })
  } else {
    const name = `exhunt_bench_${process.pid}`
    const admin = new pg.Client({ connectionString: ADMIN })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const u = new URL(ADMIN)
    u.pathname = `/${name}`
    opts = { databaseUrl: u.toString(), poolSize: C + 4 }
    cleanup = async () => {
      const a = new pg.Client({ connectionString: ADMIN })
      await a.connect()
      await a.query(`drop database if exists ${name} with (force)`)
      await a.end()
    }
  }
  const store = await openStore(opts)
  try {
    const r = await measure(store)
    console.log(JSON.stringify({ store: kind, jobs: N, concurrency: C, ...r }))
  } finally {
    await store.close()
    await cleanup()
  }
}
