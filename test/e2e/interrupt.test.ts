// `exhunt hunt --timeout` and Ctrl-C / SIGTERM through the real CLI: the first signal stops the hunt
// and still prints the partial report, marked incomplete; a second one exits at once.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { before, describe, it } from 'node:test'
import { writeBigIisLog } from '../helpers/big-log.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { BIN, runCli } from './cli.ts'

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Starts a hunt of `path` and sends `signals`: ms after the start, or once stderr matches (a second
 * signal only after exhunt said it took the first: two signals that arrive while the process is busy
 * in synchronous work, such as loading content on a loaded CI machine, reach it as one).
 */
function huntWithSignals(path: string, signals: [NodeJS.Signals, number | RegExp][]): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env }
    for (const k of ['NO_COLOR', 'FORCE_COLOR', 'NODE_TEST_CONTEXT', 'NODE_OPTIONS']) delete env[k]
    const child = spawn(
      process.execPath,
      [BIN, 'hunt', path, '-j', '1', '--only', 'logs', '-f', 'json', '--no-progress'],
      { cwd: REPO_ROOT, env },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    const onStderr = signals.filter((x): x is [NodeJS.Signals, RegExp] => x[1] instanceof RegExp)
    child.stderr.on('data', (d) => {
      stderr += d
      for (const x of onStderr.splice(0)) {
        if (x[1].test(stderr)) child.kill(x[0])
        else onStderr.push(x)
      }
    })
    const timers = signals.flatMap(([sig, when]) =>
      typeof when === 'number' ? [setTimeout(() => child.kill(sig), when)] : [],
    )
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('close', (code, signal) => {
      for (const t of [...timers, guard]) clearTimeout(t)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

describe('exhunt hunt cut short', () => {
  let big: string
  before(() => {
    // 16 logs of 16 MB of attack lines on one worker: about 4 s of parsing on an idle 2-core VM (one
    // 64 MB file took 1.9 s, under the 2 s limit), so a signal or the time limit lands mid-hunt; an
    // abort stops a running file at its next read and starts no further file.
    big = tmpDir('exhunt-e2e-interrupt-')
    for (let day = 1; day <= 16; day++) {
      writeBigIisLog(big, 16 << 20, `u_ex2103${String(day).padStart(2, '0')}.log`)
    }
  })

  it('--timeout: a partial report, complete:false with reason timeout, the findings so far', async () => {
    const r = await runCli([
      'hunt',
      big,
      '-j',
      '1',
      '--only',
      'logs',
      '-f',
      'json',
      '--no-progress',
      '--timeout',
      '2s',
    ])
    const report = JSON.parse(r.stdout)
    assert.equal(report.complete, false, r.stderr)
    assert.equal(report.incomplete.reason, 'timeout')
    assert.match(report.incomplete.message, /2000 ms/)
    // Exit as the report says: 1 when what was read already proves the attack, else 3.
    assert.equal(r.code, report.findings.length > 0 ? 1 : 3)
  })

  it('--timeout with a bad duration is a usage error', async () => {
    const r = await runCli(['hunt', big, '--timeout', 'soon'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /duration/)
  })

  it('SIGTERM once: the hunt stops and prints its partial report', async () => {
    const r = await huntWithSignals(big, [['SIGTERM', 2500]])
    assert.equal(r.signal, null, r.stderr)
    const report = JSON.parse(r.stdout)
    assert.equal(report.complete, false)
    assert.equal(report.incomplete.reason, 'aborted')
    assert.match(report.incomplete.message, /SIGTERM received/)
    assert.match(r.stderr, /SIGTERM: stopping/)
    assert.notEqual(report.verdict, 'clean')
    assert.equal(r.code, report.findings.length > 0 ? 1 : 3)
  })

  it('SIGINT twice: the second exits at once with 130', async () => {
    const r = await huntWithSignals(big, [
      ['SIGINT', 2500],
      ['SIGINT', /SIGINT: stopping/],
    ])
    assert.equal(r.code, 130, r.stderr)
    assert.equal(r.stdout, '')
  })
})
