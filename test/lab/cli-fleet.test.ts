// `exhunt lab` as a user runs it: instances up, the fleet file written exactly as the spec says and
// true to what each instance answers, Ctrl-C closing everything with exit 0.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import type { LabFleet } from '../../src/lab/types.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { EXPORT_TOOL, get } from './http.test-helper.ts'

test('exhunt lab --count 25 --fleet: the fleet matches the instances; SIGINT closes them, exit 0', async () => {
  const fleetFile = join(tmpDir(), 'fleet.json')
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  delete env.NODE_TEST_CONTEXT
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'bin', 'exhunt.js'),
      'lab',
      '--count',
      '25',
      '--port',
      '0',
      '--fleet',
      fleetFile,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d
  })
  const up = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d
      if (/instances up in/.test(stderr)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)))
    setTimeout(() => reject(new Error(`not up after 60 s: ${stderr}`)), 60_000)
  })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  try {
    await up
    const fleet = JSON.parse(readFileSync(fleetFile, 'utf8')) as LabFleet
    assert.equal(fleet.schema, 'exhunt.lab-fleet/1')
    assert.equal(fleet.instances.length, 25)
    assert.equal(stdout.trim().split('\n').length, 25, 'one line per instance')
    for (const i of fleet.instances) {
      assert.deepEqual(Object.keys(i), [
        'url',
        'host',
        'port',
        'serverName',
        'family',
        'build',
        'shows',
        'options',
        'truth',
      ])
      assert.deepEqual(Object.keys(i.options), ['mitigation', 'shell', 'hostile'])
      assert.deepEqual(Object.keys(i.truth), ['verdict', 'missing', 'checks'])
      assert.equal(i.url, `https://${i.host}:${i.port}`)
      assert.ok(stdout.includes(`${i.url}  ${i.serverName}`))
      if (i.options.hostile) {
        assert.equal(i.truth.verdict, 'unreachable')
        await new Promise<void>((resolve, reject) => {
          const s = connect({ host: i.host, port: i.port }, () => {
            s.destroy()
            resolve()
          })
          s.on('error', reject)
        })
        continue
      }
      const owa = await get(i, '/owa/')
      if (!i.family) {
        assert.equal(i.truth.verdict, 'not-exchange')
        assert.equal(owa.status, 404)
        continue
      }
      assert.equal(owa.status, 302, i.url)
      const exp = await get(i, EXPORT_TOOL)
      if (i.shows === '4-part' && i.family !== '2010') {
        assert.equal(owa.headers['x-owa-version'], i.build)
        assert.ok(exp.body.includes(`version="${i.build}"`))
      } else if (i.shows === '3-part') {
        assert.equal(owa.headers['x-owa-version'], undefined)
        assert.equal(exp.status, 404)
        const three = i.build?.split('.').slice(0, 3).join('.')
        assert.ok(
          (await get(i, '/owa/auth/logon.aspx')).body.includes(`/owa/auth/${three}/themes/`),
        )
      }
      if (i.options.shell) {
        assert.equal(i.truth.verdict, 'likely-compromised')
        assert.equal((await get(i, i.options.shell)).status, 200)
      }
      const ssrf = i.truth.checks['exh-probe-cve-2021-26855-ssrf']
      const a = await get(i, '/owa/auth/x.js', {
        Cookie:
          'X-AnonResource=true; X-AnonResource-Backend=localhost/ecp/default.flt?~3; X-BEResource=localhost/owa/auth/logon.aspx?~3;',
      })
      if (ssrf === 'mitigated') assert.equal(a.error, 'ECONNRESET', i.url)
      else
        assert.equal(
          a.headers['x-calculatedbetarget'] === 'localhost',
          ssrf === 'vulnerable',
          i.url,
        )
    }
  } finally {
    child.kill('SIGINT')
  }
  assert.equal(await exited, 0, stderr)
  assert.match(stderr, /lab: closed/)
})
