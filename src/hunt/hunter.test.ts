// A runner for many hunts: the same reports as one-shot hunts, content compiled once per worker,
// and a job over its limit ends only that job.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { writeBigIisLog } from '../../test/helpers/big-log.ts'
import { DEMO_EVIDENCE as DEMO, demoWithPages } from '../../test/helpers/demo-with-pages.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import type { HuntReport } from '../shared/types.ts'
import { createHunter } from './hunter.ts'
import { hunt } from './run.ts'

/** What differs between two runs of the same hunt: times. */
function steady(r: HuntReport): unknown {
  return {
    ...r,
    startedAt: undefined,
    finishedAt: undefined,
    stats: { ...r.stats, durationMs: undefined },
  }
}

test('two hunts on one runner: the reports of two one-shot hunts, content compiled once per worker', async () => {
  const input = demoWithPages()
  const once = [await hunt({ input, workers: 2 }), await hunt({ input: DEMO, workers: 2 })]
  const hunter = createHunter({ workers: 2 })
  try {
    const kept = [await hunter.hunt({ input }), await hunter.hunt({ input: DEMO })]
    assert.deepEqual(kept.map(steady), once.map(steady))
    const again = await hunter.hunt({ input })
    assert.deepEqual(steady(again), steady(once[0] as HuntReport))
    const s = hunter.stats()
    // Each of the two log workers and two web-file workers compiled its content once, for 3 hunts.
    assert.equal(s.log?.spawned, 2)
    assert.equal(s.log?.compiles, 2)
    assert.equal(s.web?.spawned, 2)
    assert.equal(s.web?.compiles, 2)
    assert.ok((s.web?.jobs ?? 0) >= 8, `web jobs ${s.web?.jobs}`)
  } finally {
    await hunter.close()
  }
})

test('changed content is compiled again: another IOC feed is another content', async () => {
  const feed = join(tmpDir(), 'feed.txt')
  writeFileSync(feed, '203.0.113.77\n')
  const hunter = createHunter({ workers: 1 })
  try {
    await hunter.hunt({ input: DEMO, only: ['logs'] })
    await hunter.hunt({ input: DEMO, only: ['logs'], iocFiles: [feed] })
    await hunter.hunt({ input: DEMO, only: ['logs'] })
    // The worker keeps both: the third hunt compiles nothing.
    assert.equal(hunter.stats().log?.compiles, 2)
  } finally {
    await hunter.close()
  }
})

test('a job over its limit: its worker is replaced, the file gets EXH_ERR_JOB_TIMEOUT, the runner goes on', async () => {
  const root = tmpDir()
  const big = writeBigIisLog(root, 40 << 20)
  const hunter = createHunter({ workers: 1 })
  try {
    const r = await hunter.hunt({ input: root, only: ['logs'], jobTimeoutMs: 200 })
    const timedOut = r.errors.filter((e) => e.code === 'EXH_ERR_JOB_TIMEOUT')
    assert.equal(timedOut.length, 1)
    assert.equal(timedOut[0]?.path, big.slice(root.length + 1))
    assert.match(timedOut[0]?.message ?? '', /200 ms limit/)
    // Not an abort: the rest of the hunt ran, the report is complete, and says the log was not read.
    assert.equal(r.complete, true)
    assert.equal(r.stats.lines, 0)
    assert.equal(hunter.stats().log?.spawned, 2, 'the worker was replaced')
    const next = await hunter.hunt({ input: DEMO })
    assert.deepEqual(steady(next), steady(await hunt({ input: DEMO, workers: 1 })))
  } finally {
    await hunter.close()
  }
})

test('a closed runner takes no more hunts', async () => {
  const hunter = createHunter({ workers: 1 })
  await hunter.close()
  await assert.rejects(hunter.hunt({ input: DEMO }), /closed/)
})
