// The survey commands as a CERT runs them (the real CLI in child processes) on the embedded store:
// a refused target line exits 2 and the others are added; an import twice stores once; status counts.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { runCli } from '../e2e/cli.ts'
import { testBackends } from '../helpers/stores.ts'
import { tmpDir } from '../helpers/tmp.ts'

test('survey add, import and status through the CLI', async () => {
  const [pglite] = await testBackends()
  assert.equal(pglite?.name, 'pglite')
  const { dataDir } = await pglite.fresh()
  assert.ok(dataDir)
  const dir = tmpDir('exhunt-survey-cli-')
  const targets = join(dir, 'targets.txt')
  writeFileSync(targets, 'mail.example.org\n# a comment\nowa.example.net:8443\nnot a host\n')
  const env = { DATABASE_URL: undefined, EXHUNT_FROM_SOURCE: '1' }
  const add = await runCli(
    ['survey', 'add', targets, '--owner', 'Example GmbH', '--country', 'de', '--data', dataDir],
    { env },
  )
  assert.equal(add.code, 2, add.stderr)
  assert.equal(add.stdout, '2 target(s) added, 0 updated, 1 refused\n')
  assert.match(add.stderr, /targets\.txt:4: not a host, host:port or URL: "not a host"/)

  const report = join(dir, 'report.json')
  writeFileSync(
    report,
    JSON.stringify({
      schema: 'exhunt.hunt/2',
      kind: 'hunt',
      target: { hosts: ['exch01'] },
      complete: false,
      verdict: 'suspicious',
    }),
  )
  const imp = await runCli(
    ['survey', 'import', report, report, join(dir, 'missing.json'), '--data', dataDir],
    { env },
  )
  assert.equal(imp.code, 2, 'the missing file fails, the others are stored')
  assert.match(
    imp.stdout,
    /report\.json: stored \(suspicious, incomplete\) report:[0-9a-f]{64}\n.*report\.json: already stored/s,
  )
  assert.match(imp.stderr, /EXH_ERR_SURVEY_INPUT: .*missing\.json/)

  const status = await runCli(['survey', 'status', '--json', '--data', dataDir], { env })
  assert.equal(status.code, 0, status.stderr)
  const s = JSON.parse(status.stdout)
  assert.equal(s.store.kind, 'pglite')
  assert.equal(s.targets, 2)
  assert.deepEqual(s.reports, { total: 1, incomplete: 1, byVerdict: { suspicious: 1 } })
})

test('survey scan through the CLI: jobs queued once, status counts them, a bad --checks exits 2', async () => {
  const [pglite] = await testBackends()
  assert.equal(pglite?.name, 'pglite')
  const { dataDir } = await pglite.fresh()
  assert.ok(dataDir)
  const env = { DATABASE_URL: undefined, EXHUNT_FROM_SOURCE: '1' }
  const add = await runCli(
    ['survey', 'add', 'mail.example.org', 'owa.example.net', '--tag', 'x', '--data', dataDir],
    { env },
  )
  assert.equal(add.code, 0, add.stderr)
  const scan = await runCli(['survey', 'scan', '--checks', 'safe', '--data', dataDir], { env })
  assert.equal(scan.code, 0, scan.stderr)
  assert.equal(scan.stdout, '2 target(s): 2 probe job(s) queued, 0 already queued\n')
  const again = await runCli(['survey', 'scan', '--every', '6h', '--data', dataDir], { env })
  assert.equal(
    again.stdout,
    '2 target(s): 0 probe job(s) queued, 2 already queued, re-scan every 21600s\n',
  )
  const bad = await runCli(['survey', 'scan', '--checks', 'loud', '--data', dataDir], { env })
  assert.equal(bad.code, 2, bad.stderr)
  const status = await runCli(['survey', 'status', '--json', '--data', dataDir], { env })
  const s = JSON.parse(status.stdout)
  assert.deepEqual([s.targets, s.observations, s.jobs], [2, 0, { queued: 2, locked: 0, failed: 0 }])
})
