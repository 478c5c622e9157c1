// A hunt a service can stop: an abort or a time limit at any phase gives a report marked incomplete,
// with what was found so far, and never a clean-looking verdict.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { writeBigIisLog } from '../../test/helpers/big-log.ts'
import { REPO_ROOT } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { makeZip } from '../../test/helpers/zip-writer.ts'
import { discoverEvidence } from '../sources/discover.ts'
import { createHunter } from './hunter.ts'
import { hunt } from './run.ts'

const DEMO = join(REPO_ROOT, 'demo', 'evidence')
const DAY = join(DEMO, 'C/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log')

test('an already aborted hunt reads nothing and says so: no-evidence, never clean', async () => {
  const ac = new AbortController()
  ac.abort()
  const r = await hunt({ input: DEMO, workers: 2, signal: ac.signal })
  assert.equal(r.complete, false)
  assert.equal(r.incomplete?.reason, 'aborted')
  assert.equal(r.incomplete?.phase, 'discover')
  assert.equal(r.verdict, 'no-evidence')
  assert.equal(r.findings.length, 0)
  assert.match(r.verdictReasons[0] ?? '', /was aborted during discovery/)
})

test('abort during discovery: the walk stops part-way, what was found is counted as unread', async () => {
  const root = tmpDir()
  for (let i = 0; i < 400; i++) {
    const dir = join(root, 'C/inetpub/logs/LogFiles', `W3SVC${i}`)
    mkdirSync(dir, { recursive: true })
    cpSync(DAY, join(dir, 'u_ex210303.log'))
  }
  const ac = new AbortController()
  const r = await hunt({
    input: root,
    workers: 2,
    signal: ac.signal,
    onProgress: (p) => {
      if (p.phase === 'discover') setImmediate(() => ac.abort())
    },
  })
  assert.equal(r.complete, false)
  assert.equal(r.incomplete?.phase, 'discover')
  assert.ok((r.incomplete?.unread ?? 0) < 400, `found ${r.incomplete?.unread} of 400 logs`)
  assert.equal(r.stats.lines, 0, 'no log was read after the abort')
  assert.equal(r.verdict, 'no-evidence')
})

test('abort in the middle of a big log: the worker stops at its next read, the findings so far are kept', async () => {
  const root = tmpDir()
  const big = writeBigIisLog(root, 40 << 20)
  const hunter = createHunter({ workers: 1 })
  try {
    const ac = new AbortController()
    const started = hunter.hunt({ input: root, only: ['logs'], signal: ac.signal })
    // Wait until the worker has the file (its job was sent), then let it read for a while.
    while ((hunter.stats().log?.jobs ?? 0) < 1) await new Promise((r) => setTimeout(r, 10))
    await new Promise((r) => setTimeout(r, 300))
    ac.abort()
    const r = await started
    assert.equal(r.complete, false)
    assert.equal(r.incomplete?.phase, 'logs')
    assert.equal(r.incomplete?.unread, 1)
    // The worker itself stopped part-way and answered (a terminated worker answers nothing): the lines
    // read so far are counted, the findings in them kept, and the proof they carry stands.
    const total = readFileSync(big, 'utf8').split('\n').length - 1
    assert.ok(r.stats.lines > 0 && r.stats.lines < total, `read ${r.stats.lines} of ${total} lines`)
    assert.ok(r.findings.length > 0, 'findings from the part read')
    assert.equal(r.verdict, 'compromised')
    assert.match(r.verdictReasons.at(-1) ?? '', /was aborted during the log scan/)
    // The runner is still usable, and its worker was not replaced.
    const again = await hunter.hunt({ input: DEMO, only: ['logs'] })
    assert.equal(again.complete, true)
    assert.equal(hunter.stats().log?.spawned, 1)
  } finally {
    await hunter.close()
  }
})

test('abort during the web-file scan: batches not yet read are counted, not scanned', async () => {
  const root = tmpDir()
  const dir = join(root, 'C/inetpub/wwwroot/aspnet_client/bulk')
  mkdirSync(dir, { recursive: true })
  for (let i = 0; i < 400; i++) {
    writeFileSync(join(dir, `page${i}.aspx`), `<%@ Page Language="C#" %>\n<p>page ${i}</p>\n`)
  }
  const ac = new AbortController()
  const r = await hunt({
    input: root,
    workers: 2,
    only: ['files'],
    signal: ac.signal,
    onProgress: (p) => {
      if (p.phase === 'files' && p.done > 0) ac.abort()
    },
  })
  assert.equal(r.complete, false)
  assert.equal(r.incomplete?.phase, 'files')
  assert.ok(r.stats.files < 400, `scanned ${r.stats.files}`)
  assert.ok((r.incomplete?.unread ?? 0) > 0)
  assert.equal(r.stats.files + (r.incomplete?.unread ?? 0), 400, 'every file read or counted')
  // The pages under aspnet_client are files to review: that verdict stands, with the cut-short reason.
  assert.equal(r.verdict, 'suspicious')
  assert.match(r.verdictReasons.at(-1) ?? '', /was aborted during the file scan/)
})

test('a time limit cuts the hunt short with reason timeout', async () => {
  const root = tmpDir()
  writeBigIisLog(root, 20 << 20)
  const r = await hunt({ input: root, workers: 1, only: ['logs'], timeoutMs: 1 })
  assert.equal(r.complete, false)
  assert.equal(r.incomplete?.reason, 'timeout')
  assert.match(r.incomplete?.message ?? '', /time limit of 1 ms/)
  assert.notEqual(r.verdict, 'clean')
})

test('an abort after the hunt finished changes nothing', async () => {
  const ac = new AbortController()
  const r = await hunt({ input: DEMO, workers: 2, signal: ac.signal })
  const before = JSON.stringify(r)
  ac.abort()
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(r.complete, true)
  assert.equal(r.incomplete, undefined)
  assert.equal(r.verdict, 'compromised')
  assert.equal(JSON.stringify(r), before)
})

test('no worker is left running: a process that aborts a hunt mid-log exits by itself', async () => {
  const root = tmpDir()
  writeBigIisLog(root, 24 << 20)
  const script = `
    const { hunt } = await import(${JSON.stringify(join(REPO_ROOT, 'src/hunt/run.ts'))})
    const ac = new AbortController()
    const r = await hunt({ input: ${JSON.stringify(root)}, workers: 2, signal: ac.signal,
      onProgress: (p) => { if (p.phase === 'logs' && p.done === 0) setTimeout(() => ac.abort(), 200) } })
    console.log(JSON.stringify({ complete: r.complete, phase: r.incomplete?.phase }))`
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: REPO_ROOT, timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      )
      child.stdin?.end()
    },
  )
  assert.equal(out.code, 0, out.stderr)
  assert.deepEqual(JSON.parse(out.stdout), { complete: false, phase: 'logs' })
})

test('a zip listed after an abort: no entry is taken in, the hunt says it was cut short in discovery', async () => {
  const files = [
    'C/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log',
    'C/inetpub/logs/LogFiles/W3SVC1/u_ex210304.log',
  ]
  const zip = join(tmpDir(), 'EXCH01.zip')
  writeFileSync(zip, makeZip(files.map((name) => ({ name, data: readFileSync(join(DEMO, name)) }))))
  const whole = await discoverEvidence(zip)
  assert.equal(whole.artefacts.length, 2)
  const ac = new AbortController()
  ac.abort()
  const cut = await discoverEvidence(zip, { signal: ac.signal })
  assert.equal(cut.artefacts.length, 0)
  const r = await hunt({ input: zip, workers: 1, signal: ac.signal })
  assert.equal(r.complete, false)
  assert.equal(r.incomplete?.phase, 'discover')
  assert.equal(r.verdict, 'no-evidence')
})
