// `exhunt probe` as a user runs it: stdin targets, --resume across two runs, Ctrl-C (the run says it
// was stopped, exit 3), usage errors (exit 2). Loopback only.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { closedPort, hostileServer, type Running, webServer } from './servers.test-helper.ts'

const BIN = join(REPO_ROOT, 'bin', 'exhunt.js')

function cli(
  args: string[],
  o: { stdin?: string; sigintWhen?: RegExp } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, 'probe', '--no-progress', ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    })
    let stdout = ''
    let stderr = ''
    let signalled = false
    c.stdout.on('data', (d) => {
      stdout += d
      // Ctrl-C once the output shows what the test waits for (loading content takes seconds on a
      // loaded machine: a timer would stop the run before it began).
      if (o.sigintWhen && !signalled && o.sigintWhen.test(stdout)) {
        signalled = true
        c.kill('SIGINT')
      }
    })
    c.stderr.on('data', (d) => {
      stderr += d
    })
    c.stdin.end(o.stdin ?? '')
    c.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const servers: Running[] = []
let exchange: Running
before(async () => {
  exchange = await webServer((req, res) => {
    // What an Exchange 2016 front end of this build shows on /owa/ (see content/probe's fingerprint rules).
    res.setHeader('X-OWA-Version', '15.1.2507.72')
    res.setHeader('X-FEServer', 'MAIL1')
    if (req.url?.startsWith('/owa/') && !req.url.startsWith('/owa/auth')) {
      res.writeHead(302, { location: 'https://mail1.lab.test/owa/auth/logon.aspx?url=x&reason=0' })
      res.end()
      return
    }
    res.writeHead(404)
    res.end()
  })
  servers.push(exchange)
})
after(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

describe('exhunt probe CLI', () => {
  test('targets from stdin, NDJSON out, bad lines named on stderr, exit 3 for a bad line', async () => {
    const r = await cli(['-f', '-', '--format', 'ndjson'], {
      stdin: `http://127.0.0.1:${exchange.port}\nnot_a_host!\n`,
    })
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.equal(lines.length, 2)
    assert.equal(lines[0].target.port, exchange.port)
    assert.equal(lines[1].kind, 'probe')
    assert.match(r.stderr, /not a target: stdin:2: not_a_host!/)
    assert.equal(r.code, 3)
  })

  test('--resume: the second run skips what the first did and appends the rest', async () => {
    const dir = tmpDir('probe-cli-resume')
    const file = join(dir, 'r.ndjson')
    const closed = await closedPort()
    const a = `http://127.0.0.1:${exchange.port}`
    const r1 = await cli([a, '--resume', file, '--format', 'csv'])
    assert.equal(r1.code, 0, r1.stderr)
    assert.match(r1.stdout, /^timestamp,ip,port,hostname,tag,/)
    const before = exchange.seen.length
    const r2 = await cli([a, `http://127.0.0.1:${closed}`, '--resume', file, '--format', 'json'])
    assert.equal(exchange.seen.length, before, 'the done target got no request')
    assert.match(r2.stderr, /--resume: 1 target\(s\) already done/)
    const report = JSON.parse(r2.stdout)
    assert.equal(report.summary.skipped, 1)
    assert.equal(report.results.length, 1)
    assert.equal(report.results[0].verdict, 'unreachable')
    assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, 2)
    // The earlier patched result counts: patched + unreachable is 0, as one run of both would be.
    assert.equal(r2.code, 0)
  })

  test('Ctrl-C: the run stops, says so, keeps what was judged, exit 3', async () => {
    const drip = await hostileServer('slow-drip')
    servers.push(drip)
    const r = await cli(
      [`http://127.0.0.1:${exchange.port}`, `http://127.0.0.1:${drip.port}`, '--timeout', '60s'],
      { sigintWhen: new RegExp(`127\\.0\\.0\\.1:${exchange.port}\\s+patched`) },
    )
    assert.match(r.stderr, /SIGINT: stopping/)
    assert.match(r.stdout, /INCOMPLETE/)
    assert.match(r.stdout, new RegExp(`127\\.0\\.0\\.1:${exchange.port}\\s+patched`))
    assert.doesNotMatch(r.stdout, new RegExp(`127\\.0\\.0\\.1:${drip.port}`))
    assert.equal(r.code, 3)
  })

  test('usage errors exit 2', async () => {
    assert.equal((await cli([])).code, 2)
    assert.equal((await cli(['127.0.0.1', '--rate', 'fast'])).code, 2)
    assert.equal((await cli(['127.0.0.1', '--checks', 'loud'])).code, 2)
    assert.equal((await cli(['127.0.0.1', '-o', '/nonexistent-dir/x.json'])).code, 2)
  })
})
