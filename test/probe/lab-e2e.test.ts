// End to end (the issue's "Done when"): `exhunt probe --checks safe` against `exhunt lab --count 50`'s default
// mix on loopback: every family (2010, 2013, 2016, 2019, SE) patched and unpatched, mitigated, a
// planted shell, a three-part-only server, a plain IIS site and one of each hostile kind. Each result
// is compared with the fleet's truth. Loopback only.
import assert from 'node:assert/strict'
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { LabFleet } from '../../src/lab/types.ts'
import type { ProbeTargetResult } from '../../src/shared/probe.ts'
import type { ProbeReport } from '../../src/shared/types.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'

const BIN = join(REPO_ROOT, 'bin', 'exhunt.js')
// Generous: the machine running the tests is shared and loaded; a check that times out is inconclusive.
const TARGET_DEADLINE_MS = 25_000

let labProc: ChildProcess | undefined
let fleet: LabFleet
let results: Map<number, ProbeTargetResult>
let summary: Omit<ProbeReport, 'results'>
let exitCode: number | null
let elapsed: number

function probeCli(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'probe', ...args],
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? null) : 0
        resolve({ code: typeof code === 'number' ? code : null, stdout, stderr })
      },
    )
  })
}

before(async () => {
  // The "Done when", as a user types it: `exhunt lab --count 50 --fleet fleet.json` in the
  // background, then `exhunt probe --checks safe` over the targets the lab wrote.
  const dir = tmpDir('probe-lab')
  const fleetFile = join(dir, 'fleet.json')
  const file = join(dir, 'targets.txt')
  labProc = spawn(
    process.execPath,
    [BIN, 'lab', '--count', '50', '--fleet', fleetFile, '--targets', file],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  )
  let labErr = ''
  labProc.stderr?.on('data', (d: Buffer) => {
    labErr += d.toString()
  })
  // The targets file is written after the fleet file: both are there once it exists.
  for (let waited = 0; !existsSync(file); waited += 100) {
    if (labProc.exitCode !== null || waited > 60_000)
      throw new Error(`lab did not start: ${labErr}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  fleet = JSON.parse(readFileSync(fleetFile, 'utf8')) as LabFleet
  const t0 = Date.now()
  const run = await probeCli([
    '--checks',
    'safe',
    '--format',
    'ndjson',
    '--no-progress',
    '--timeout',
    '8s',
    '--connect-timeout',
    '5s',
    '--target-timeout',
    `${TARGET_DEADLINE_MS}ms`,
    '-f',
    file,
  ])
  elapsed = Date.now() - t0
  exitCode = run.code
  const lines = run.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l))
  summary = lines.pop()
  results = new Map(lines.map((r: ProbeTargetResult) => [r.target.port, r]))
})
after(() => {
  labProc?.kill('SIGINT')
})

describe('exhunt probe --checks safe against exhunt lab', () => {
  test('every instance has one result; the run ends; exit 1 (vulnerable servers)', () => {
    assert.equal(results.size, fleet.instances.length)
    assert.equal(summary.kind, 'probe')
    assert.equal(summary.complete, true)
    assert.equal(exitCode, 1)
    // Hostile servers are bounded by their deadlines: the run is far from stalling.
    assert.ok(elapsed < 4 * TARGET_DEADLINE_MS, `${elapsed} ms`)
  })

  test('Exchange instances: the verdict, the build (exact or three-part), missing CVEs and checks as the truth says', () => {
    let n = 0
    for (const inst of fleet.instances) {
      if (inst.build === null) continue
      n++
      const r = results.get(inst.port)!
      const who = `${inst.url} ${inst.build} ${JSON.stringify(inst.options)}`
      assert.equal(r.verdict, inst.truth.verdict, who)
      assert.equal(r.exchange, true, who)
      if (inst.shows === '4-part') {
        assert.equal(r.build?.build, inst.build, who)
        assert.equal(r.build?.parts, 4, who)
        // Exactly the truth's CVE list, every one certain.
        assert.deepEqual(r.missing.map((m) => m.cve).sort(), inst.truth.missing, who)
        assert.ok(
          r.missing.every((m) => m.certainty === 'exact'),
          who,
        )
      } else {
        assert.equal(r.build?.parts, 3, who)
        assert.ok(inst.build?.startsWith(`${r.build?.build}.`), who)
      }
      assert.equal(r.checks.length, Object.keys(inst.truth.checks).length, who)
      for (const [id, outcome] of Object.entries(inst.truth.checks)) {
        const got = r.checks.find((c) => c.id === id)
        assert.equal(
          got?.outcome,
          outcome,
          `${who} ${id}: ${got?.evidence} ${JSON.stringify(r.errors)}`,
        )
      }
      assert.equal(r.tls?.subject, `CN=${inst.serverName}`, who)
      assert.ok(r.tls?.sha256 && r.tls.sha256.length === 64, who)
    }
    assert.ok(n >= 10, `${n} Exchange instances`)
    const families = new Set(fleet.instances.filter((i) => i.build !== null).map((i) => i.family))
    for (const f of ['2010', '2013', '2016', '2019', 'SE']) assert.ok(families.has(f as never), f)
  })

  test('the plain IIS site: not-exchange, as the truth says (its 404 is a clean answer)', () => {
    const iis = fleet.instances.filter((i) => i.build === null && i.options.hostile === null)
    assert.ok(iis.length > 0)
    for (const inst of iis) assert.equal(results.get(inst.port)?.verdict, inst.truth.verdict)
  })

  test('hostile instances end within their deadline with a reason; never patched or vulnerable', () => {
    const want: Record<string, readonly string[]> = {
      'slow-drip': ['timeout'],
      'endless-headers': ['too-large'],
      'endless-body': ['too-large'],
      'tls-stall': ['timeout'],
      'gzip-bomb': ['too-large', 'bad-encoding'],
      'not-http': ['tls', 'not-http'],
    }
    let n = 0
    for (const inst of fleet.instances) {
      const kind = inst.options.hostile
      if (!kind) continue
      n++
      const r = results.get(inst.port)!
      assert.ok(r.ms < TARGET_DEADLINE_MS + 3000, `${kind}: ${r.ms} ms`)
      // No complete, clean answer: unreachable, with a reason naming what happened.
      assert.equal(r.verdict, inst.truth.verdict, kind)
      assert.equal(r.verdict, 'unreachable', kind)
      if (kind === 'redirect-loop') {
        assert.equal(r.errors.length, 0, 'a redirect is an answer, never followed')
        assert.match(r.reason, /^Redirect loop: .*\/owa\/ \u2192 \/owa\//, r.reason)
        continue
      }
      assert.match(
        r.reason,
        /^(No HTTP answer|Every answer was cut or broken): \S/,
        `${kind}: ${r.reason}`,
      )
      assert.ok(
        r.errors.some((e) => want[kind]?.includes(e.code)),
        `${kind}: ${JSON.stringify(r.errors.slice(0, 3))}`,
      )
    }
    assert.equal(n, 7)
  })
})
