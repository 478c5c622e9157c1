// Probe jobs on graphile-worker, on embedded PGlite and on PostgreSQL: `survey add` of lab
// instances, `survey scan` queues one job per target (twice: no duplicate), a worker drains them
// with one compiled probe engine, and the observations carry the verdicts and builds of the lab's
// fleet truth. Loopback only.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { loadContent } from '../../src/content/load.ts'
import { contentRoot } from '../../src/content/root.ts'
import type { RunningLab } from '../../src/lab/start.ts'
import { startLab } from '../../src/lab/start.ts'
import { compiledProbe } from '../../src/probe/probe.ts'
import { observationsOf } from '../../src/store/observations.ts'
import { openStore, type Store } from '../../src/store/open.ts'
import { storeCounts } from '../../src/store/status.ts'
import { getTarget, upsertTargets } from '../../src/store/targets.ts'
import { queueScan } from '../../src/survey/scan.ts'
import { runWorker } from '../../src/survey/worker.ts'
import { testBackends } from '../helpers/stores.ts'

let lab: RunningLab
let made = 0
let engine: { content: ReturnType<typeof loadContent>; compiled: ReturnType<typeof compiledProbe> }
const makeProbe = () => {
  made++
  engine ??= (() => {
    const content = loadContent(contentRoot(), { yara: false, nativeRules: false })
    return { content, compiled: compiledProbe(content) }
  })()
  return engine
}
before(async () => {
  lab = await startLab({ count: 12, port: 0 })
})
after(async () => {
  await lab?.close()
})
const exchange = () => lab.instances.filter((i) => i.spec.kind === 'exchange').slice(0, 6)

async function drain(store: Store, until: () => Promise<boolean>) {
  const ac = new AbortController()
  const lines: string[] = []
  const worker = runWorker({
    store,
    concurrency: 4,
    huntTimeoutMs: 60_000,
    makeHunter: () => {
      throw new Error('no hunt jobs here')
    },
    makeProbe,
    probeRate: 50,
    probeTargetTimeoutMs: 15_000,
    signal: ac.signal,
    onLine: (l) => lines.push(l),
  })
  const deadline = Date.now() + 120_000
  while (!(await until())) {
    if (Date.now() > deadline) {
      ac.abort()
      await worker
      assert.fail(`worker did not finish: ${lines.join(' | ')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  ac.abort()
  return { summary: await worker, lines }
}

for (const backend of await testBackends()) {
  describe(`probe jobs on ${backend.name}`, { skip: backend.skip }, () => {
    let store: Store
    before(async () => {
      store = await openStore(await backend.fresh())
    })
    after(async () => {
      await store?.close()
      await backend.cleanup()
    })

    test('scan queues one job per target; scanning again queues none twice', async () => {
      const urls = exchange().map((i) => i.url)
      assert.ok(urls.length >= 4, `lab has ${urls.length} Exchange instances`)
      await upsertTargets(store.pool, urls, { owner: 'lab', tags: ['lab'] })
      await upsertTargets(store.pool, ['untagged.example'], {})
      const first = await queueScan(store, { level: 'safe', tag: 'lab', actor: 'test', page: 4 })
      assert.deepEqual(
        [first.targets, first.queued, first.alreadyQueued],
        [urls.length, urls.length, 0],
      )
      const again = await queueScan(store, { level: 'safe', tag: 'lab', actor: 'test', page: 4 })
      assert.deepEqual(
        [again.targets, again.queued, again.alreadyQueued],
        [urls.length, 0, urls.length],
      )
      const keys = await store.pool.query(
        `select key from graphile_worker._private_jobs where task_id = (select id from graphile_worker._private_tasks where identifier = 'probe')`,
      )
      assert.equal(keys.rowCount, urls.length)
      assert.equal(new Set(keys.rows.map((r) => r.key)).size, urls.length)
      const counts = await storeCounts(store.pool)
      assert.equal(counts.jobs?.queued, urls.length)
    })

    test('a worker drains them: one observation per target, verdict and build as the fleet truth says', async () => {
      const insts = exchange()
      const { lines } = await drain(
        store,
        async () =>
          (await storeCounts(store.pool)).jobs?.queued === 0 &&
          (await storeCounts(store.pool)).jobs?.locked === 0,
      )
      assert.ok(made >= 1)
      const counts = await storeCounts(store.pool)
      assert.equal(counts.observations, insts.length, lines.join('\n'))
      for (const inst of insts) {
        const t = await getTarget(store.pool, inst.url.replace(/\/$/, ''))
        assert.ok(t, inst.url)
        const obs = await observationsOf(store.pool, t.id)
        assert.equal(obs.length, 1, inst.url)
        assert.equal(obs[0]?.verdict, inst.truth.verdict, `${inst.url} ${inst.build}`)
        if (inst.shows === '4-part') assert.equal(obs[0]?.build, inst.build, inst.url)
      }
    })

    test('a job run twice (retry after a crash) stores one observation', async () => {
      const { runProbeJob } = await import('../../src/survey/probe-task.ts')
      const inst = exchange()[0]!
      const t = (await getTarget(store.pool, inst.url.replace(/\/$/, '')))!
      const payload = {
        targetId: t.id,
        target: t.target,
        level: 'passive',
        scan: '2026-01-01T00:00:00.000Z',
      }
      const a = await runProbeJob({ store, engine: makeProbe }, payload)
      const b = await runProbeJob({ store, engine: makeProbe }, payload)
      assert.deepEqual([a.outcome, b.outcome], ['stored', 'already-stored'])
      assert.equal((await observationsOf(store.pool, t.id)).length, 2)
    })

    test('--every: a probed target is queued again under its key, run_at one period later', async () => {
      const inst = exchange()[1]!
      const t = (await getTarget(store.pool, inst.url.replace(/\/$/, '')))!
      await upsertTargets(store.pool, [t.target], { tags: ['every'] })
      const q = await queueScan(store, {
        level: 'passive',
        tag: 'every',
        everyMs: 3_600_000,
        actor: 'test',
      })
      assert.equal(q.queued, 1)
      const t0 = Date.now()
      await drain(store, async () => (await observationsOf(store.pool, t.id)).length === 2)
      const next = await store.pool.query(
        `select run_at, payload from graphile_worker._private_jobs where key = $1`,
        [`probe:${t.id}`],
      )
      assert.equal(next.rowCount, 1)
      const runAt = new Date(next.rows[0].run_at).getTime()
      assert.ok(
        runAt >= t0 + 3_590_000 && runAt <= Date.now() + 3_600_000,
        String(next.rows[0].run_at),
      )
      assert.equal(next.rows[0].payload.everyMs, 3_600_000)
      // scanning again while it waits keeps its place (preserve_run_at)
      const again = await queueScan(store, {
        level: 'passive',
        tag: 'every',
        everyMs: 3_600_000,
        actor: 'test',
      })
      assert.equal(again.alreadyQueued, 1)
      const kept = await store.pool.query(
        'select run_at from graphile_worker._private_jobs where key = $1',
        [`probe:${t.id}`],
      )
      assert.equal(new Date(kept.rows[0].run_at).getTime(), runAt)
    })
  })
}
