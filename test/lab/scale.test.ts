// A thousand instances from one process start in a few seconds and every one answers. The figures
// (start wall and CPU time, RSS) are printed as test diagnostics; the machine is shared, so the bound
// on wall time is loose and CPU time is the figure to compare.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { loadContent } from '../../src/content/load.ts'
import { contentRoot } from '../../src/content/root.ts'
import { startLab } from '../../src/lab/start.ts'
import { get } from './http.test-helper.ts'

test('1000 instances (default mix, TLS) start in seconds and all answer', async (t) => {
  const content = loadContent(contentRoot(), { yara: false, nativeRules: false }).content
  const rss0 = process.memoryUsage().rss
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const lab = await startLab({ count: 1000, port: 0, content })
  const startMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const rssStart = process.memoryUsage().rss
  try {
    assert.equal(lab.instances.length, 1000)
    assert.equal(new Set(lab.instances.map((i) => i.port)).size, 1000)
    assert.ok(startMs < 20_000, `start took ${startMs} ms`)
    const targets = lab.instances.filter((i) => !i.options.hostile)
    let next = 0
    const wrong: string[] = []
    const t1 = performance.now()
    await Promise.all(
      Array.from({ length: 48 }, async () => {
        while (next < targets.length) {
          const i = targets[next++]
          if (!i) break
          const a = await get(i, '/owa/', {}, 20_000)
          const want = i.family ? 302 : 404
          if (a.status !== want) wrong.push(`${i.url} ${i.family}: ${a.status} ${a.error ?? ''}`)
          else if (
            i.family &&
            i.shows === '4-part' &&
            a.headers['x-owa-version'] === undefined &&
            i.family !== '2010'
          )
            wrong.push(`${i.url}: no X-OWA-Version`)
        }
      }),
    )
    const answerMs = performance.now() - t1
    assert.deepEqual(wrong, [])
    // The hostile ones accept TCP (what they do next is hostile.test.ts's business).
    for (const i of lab.instances.filter((x) => x.options.hostile)) {
      await new Promise<void>((resolve, reject) => {
        const s = connect({ host: i.host, port: i.port }, () => {
          s.destroy()
          resolve()
        })
        s.on('error', reject)
      })
    }
    t.diagnostic(
      `start ${Math.round(startMs)} ms wall, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU; RSS ${Math.round(rss0 / 2 ** 20)} MB before, ${Math.round(rssStart / 2 ** 20)} MB after start, ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB after ${targets.length} TLS answers (${Math.round(answerMs)} ms, 48 at a time)`,
    )
  } finally {
    await lab.close()
  }
})
