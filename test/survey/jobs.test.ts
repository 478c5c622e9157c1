// Hunt jobs on graphile-worker, the same suite on embedded PGlite and on PostgreSQL: a collection is
// queued once, a worker hunts it with one long-lived hunter and stores the report under the
// collection's SHA-256, an over-time hunt is stored as incomplete, a dead worker's lock is released
// at start, and an imported report is stored once.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { loadContent } from '../../src/content/load.ts'
import { contentRoot } from '../../src/content/root.ts'
import { createHunter, type Hunter } from '../../src/hunt/hunter.ts'
import type { HuntReport } from '../../src/shared/types.ts'
import { beat } from '../../src/store/heartbeats.ts'
import { openStore, type Store } from '../../src/store/open.ts'
import { getReport } from '../../src/store/reports.ts'
import { storeCounts } from '../../src/store/status.ts'
import { queueHunt } from '../../src/survey/enqueue-hunt.ts'
import { huntKey } from '../../src/survey/hunt-task.ts'
import { importReport } from '../../src/survey/import-report.ts'
import { watchFolder } from '../../src/survey/watch.ts'
import { runWorker, type WorkerSummary } from '../../src/survey/worker.ts'
import { testBackends } from '../helpers/stores.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { demoCollection } from './collections.ts'

// one hunter for every worker of this file: content compiled once, as in one worker process
let shared: { hunter: Hunter; content: ReturnType<typeof loadContent> } | undefined
const makeHunter = () => {
  shared ??= { hunter: createHunter({ workers: 1 }), content: loadContent(contentRoot()) }
  return shared
}
after(async () => {
  await shared?.hunter.close()
})

const dir = tmpDir('exhunt-survey-')
const zips = ['a', 'b', 'c', 'slow'].map((n) => demoCollection(dir, n))

/** Runs a worker until `done()` holds (checked every 100 ms), then stops it. */
async function workUntil(store: Store, done: () => Promise<boolean>, huntTimeoutMs = 600_000) {
  const ac = new AbortController()
  const lines: string[] = []
  const worker = runWorker({
    store,
    concurrency: 2,
    huntTimeoutMs,
    makeHunter,
    signal: ac.signal,
    onLine: (l) => lines.push(l),
  })
  const deadline = Date.now() + 240_000
  while (!(await done())) {
    if (Date.now() > deadline) {
      ac.abort()
      await worker
      assert.fail(`worker did not finish: ${lines.join(' | ')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  ac.abort()
  const summary: WorkerSummary = await worker
  return { summary, lines }
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
  return Number(r.stdout.toString())
}

for (const backend of await testBackends()) {
  describe(`hunt jobs on ${backend.name}`, { skip: backend.skip }, () => {
    let store: Store
    before(async () => {
      store = await openStore(await backend.fresh())
    })
    after(async () => {
      await store?.close()
      await backend.cleanup()
    })

    test('a collection is queued once; a worker hunts it and stores the report under its SHA-256', async () => {
      const q1 = await queueHunt(store, zips[0] as string, 'test')
      const q2 = await queueHunt(store, zips[0] as string, 'test')
      assert.equal(q1.outcome, 'queued')
      assert.equal(q2.outcome, 'already-queued')
      assert.equal((await storeCounts(store.pool)).jobs?.queued, 1, 'one job for the key')
      await queueHunt(store, zips[1] as string, 'test')
      // this one's own limit is 1 ms: stored, marked incomplete
      await queueHunt(store, zips[3] as string, 'test', { timeoutMs: 1 })
      const { summary } = await workUntil(
        store,
        async () => (await storeCounts(store.pool)).reports.total === 3,
      )
      assert.equal(summary.jobs.failed, 0)
      const a = await getReport(store.pool, huntKey(q1.sha256))
      assert.ok(a)
      const report = a.report as HuntReport
      assert.equal(a.origin, 'worker')
      assert.equal(a.verdict, 'compromised', 'the demo server is compromised')
      assert.equal(report.complete, true)
      assert.equal(report.target.evidence?.value, q1.sha256)
      assert.ok(report.findings.length > 0)
      const counts = await storeCounts(store.pool)
      assert.equal(counts.reports.incomplete, 1, 'the 1 ms hunt is stored as incomplete')
      assert.deepEqual(
        counts.jobs,
        { queued: 0, locked: 0, failed: 0 },
        'no job left locked after stop',
      )
      assert.equal(counts.workers.live, 0, 'the worker marked itself stopped')
      assert.equal((await queueHunt(store, zips[0] as string, 'test')).outcome, 'already-hunted')
      assert.ok(shared?.hunter.stats().log, 'the hunter ran the jobs on its long-lived workers')
    })

    test("a dead worker's locked job is released at start and hunted, once", async () => {
      const q = await queueHunt(store, zips[2] as string, 'test')
      const pid = deadPid()
      await beat(store.pool, {
        id: 'dead-worker',
        host: hostname(),
        pid,
        workerIds: ['worker-dead-1'],
      })
      await store.pool.query(
        `update graphile_worker._private_jobs set locked_by = 'worker-dead-1', locked_at = now() where key = $1`,
        [huntKey(q.sha256)],
      )
      const before = await storeCounts(store.pool)
      assert.equal(before.jobs?.locked, 1)
      const { summary } = await workUntil(
        store,
        async () => (await getReport(store.pool, huntKey(q.sha256))) !== undefined,
      )
      assert.deepEqual(summary.released.workerIds, ['worker-dead-1'])
      assert.equal(summary.released.jobs, 1)
      const counts = await storeCounts(store.pool)
      assert.equal(counts.reports.total, 4)
      assert.equal(counts.jobs?.locked, 0)
    })

    test('a watched folder queues each dropped .zip once, after its size stopped changing', async () => {
      const inbox = join(dir, `inbox-${backend.name}`)
      mkdirSync(inbox)
      const growing = join(inbox, 'growing.zip')
      writeFileSync(growing, 'PK partial')
      copyFileSync(zips[1] as string, join(inbox, 'b-again.zip')) // hunted already: not queued again
      writeFileSync(join(inbox, 'notes.txt'), 'not a zip')
      const ac = new AbortController()
      const seen: string[] = []
      const errors: string[] = []
      let polls = 0
      const watching = watchFolder({
        store,
        dir: inbox,
        actor: 'test',
        pollMs: 500,
        signal: ac.signal,
        onQueued: (q) => seen.push(`${q.path.slice(inbox.length + 1)} ${q.outcome}`),
        onError: (path, e) => errors.push(`${path}: ${e.message}`),
      })
      // the file grows between polls: never queued while it does
      while (polls++ < 75) {
        appendFileSync(growing, 'more')
        await new Promise((r) => setTimeout(r, 20))
      }
      assert.deepEqual(seen, ['b-again.zip already-hunted'])
      copyFileSync(zips[2] as string, growing) // complete now (c: hunted in the test above)
      const end = Date.now() + 20_000
      while (seen.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
      await new Promise((r) => setTimeout(r, 1100)) // more polls: nothing queued twice
      ac.abort()
      await watching
      assert.deepEqual(seen, ['b-again.zip already-hunted', 'growing.zip already-hunted'])
      assert.deepEqual(errors, [])
    })

    test('an imported report is stored once, keyed by its bytes; a broken one is refused', async () => {
      const a = await getReport(
        store.pool,
        huntKey((await queueHunt(store, zips[0] as string, 'test')).sha256),
      )
      const file = join(dir, `${backend.name}-report.json`)
      writeFileSync(file, JSON.stringify(a?.report))
      const r1 = await importReport(store, file, 'test')
      const r2 = await importReport(store, file, 'test')
      assert.equal(r1.inserted, true)
      assert.equal(r2.inserted, false)
      assert.equal(r1.key, r2.key)
      assert.equal(r1.verdict, 'compromised')
      const bad = join(dir, 'bad.json')
      writeFileSync(bad, '{"schema": "exhunt.hunt/2"')
      await assert.rejects(importReport(store, bad, 'test'), { code: 'EXH_ERR_REPORT' })
      assert.equal((await storeCounts(store.pool)).reports.total, 5)
    })
  })
}
