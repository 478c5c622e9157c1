// The exit codes scripts rely on (README "Exit codes"): 0 nothing at or above --fail-on, 1 findings,
// 2 the run itself failed. Clean → 0 and --fail-on-exposure are in clean-and-attempt.test.ts.
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { severityRank } from '../../src/shared/types.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { brief, type CliResult, DEMO, type HuntRun, huntJson, runCli } from './cli.ts'

/** ESC [ : what colour output is made of. */
const ESC = /\u001b\[/

const W3SVC1 = 'C/inetpub/logs/LogFiles/W3SVC1'

/** The demo's second day of web-shell use alone: high findings, nothing critical. */
function highOnlyTree(): string {
  const root = tmpDir('exhunt-e2e-high-')
  mkdirSync(join(root, W3SVC1), { recursive: true })
  copyFileSync(join(DEMO, W3SVC1, 'u_ex210304.log'), join(root, W3SVC1, 'u_ex210304.log'))
  return root
}

// Commander reports usage errors with exit 1, which scripts read as "findings". src/cli/main.ts
// needs exitOverride (or configureOutput + process.exit(2)) to make these 2.

describe('exit codes', () => {
  let dflt: HuntRun
  let critical: CliResult
  let high: HuntRun
  let badWorkers: CliResult
  before(async () => {
    const root = highOnlyTree()
    ;[dflt, critical, high, badWorkers] = await Promise.all([
      huntJson(root),
      // Text to a pipe, no colour variables: also the plain-text case of the formats contract.
      runCli(['hunt', root, '--no-progress', '--fail-on', 'critical']),
      huntJson(root, ['--fail-on', 'high']),
      runCli(['hunt', root, '--no-progress', '--format', 'ndjson', '-j', 'abc']),
    ])
  })

  it('1 on findings at the default bar (medium)', () => {
    const top = Math.max(...dflt.report.findings.map((f) => severityRank(f.severity)))
    assert.equal(top, severityRank('high'), brief(dflt.report))
    assert.equal(dflt.code, 1)
  })

  it('--fail-on critical on a tree with only high findings → 0, --fail-on high → 1', () => {
    assert.equal(critical.code, 0, critical.stderr)
    assert.match(critical.stdout, /compromised/i, 'the verdict does not depend on --fail-on')
    assert.doesNotMatch(critical.stdout, ESC, 'no colour when stdout is not a TTY')
    assert.equal(high.code, 1, high.stderr)
  })

  it('a bad -j never turns findings into a clean exit 0', () => {
    // Was: NaN workers read no log at all, verdict clean, exit 0. Either refuse (2) or hunt (1).
    assert.notEqual(badWorkers.code, 0, badWorkers.stdout.slice(-400))
    if (badWorkers.code === 1) assert.match(badWorkers.stdout, /"type":"finding"/)
  })

  it('2 on a missing input path, with the path named on stderr', async () => {
    const missing = join(tmpDir('exhunt-e2e-missing-'), 'no-such-evidence')
    const r = await runCli(['hunt', missing, '--format', 'json'])
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, /EXH_ERR_/)
    assert.ok(r.stderr.includes('no-such-evidence'), r.stderr)
    assert.equal(r.stdout, '', 'no half report on stdout')
  })

  it('2 on a bad --only value', async () => {
    const r = await runCli(['hunt', DEMO, '--only', 'mailboxes'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--only/)
  })

  it('2 on an unknown flag', async () => {
    const r = await runCli(['hunt', DEMO, '--no-such-flag'])
    assert.match(r.stderr, /unknown option/)
    assert.equal(r.code, 2)
  })

  it('2 on a bad --format value', async () => {
    const r = await runCli(['hunt', DEMO, '--format', 'pdf'])
    assert.match(r.stderr, /pdf/)
    assert.equal(r.code, 2)
  })
})

describe('numeric flags are checked', () => {
  it('2 on -j abc and on --max-file-size 0, with the flag named', async () => {
    for (const args of [
      ['-j', 'abc'],
      ['--max-file-size', '0'],
    ]) {
      const r = await runCli(['hunt', DEMO, ...args])
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, new RegExp(args[0] as string))
    }
  })
})
