// `exhunt dump` through the real CLI: NDJSON EventRecords (the default) or XML, exit codes 0/1/2.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { runCli } from '../e2e/cli.ts'
import { corpusPath, corpusSkip } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'

const SYSMON = corpusPath(
  'evtx',
  'EVTX-ATTACK-SAMPLES/Credential Access/sysmon_10_1_memdump_comsvcs_minidump.evtx',
)

describe('exhunt dump', () => {
  it('NDJSON: one EventRecord per line, exit 0', { skip: corpusSkip }, async () => {
    const r = await runCli(['dump', SYSMON])
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.equal(lines.length, 6)
    assert.ok(
      lines.every(
        (l) => l.provider === 'Microsoft-Windows-Sysmon' && typeof l.eventId === 'number',
      ),
    )
    // comsvcs.dll MiniDump of lsass, as the corpus README describes the sample.
    assert.ok(
      lines.some(
        (l) => l.eventId === 1 && /comsvcs\.dll.*MiniDump/i.test(String(l.fields.CommandLine)),
      ),
    )
    assert.equal(r.stderr, '')
  })

  it('--xml: each record as XML', { skip: corpusSkip }, async () => {
    const r = await runCli(['dump', '--xml', SYSMON])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.match(/^<Event xmlns=/gm)?.length, 6)
    assert.equal(r.stdout.match(/^<\/Event>$/gm)?.length, 6)
  })

  it('a damaged log: the records, one stderr line per bad chunk, exit 1', {
    skip: corpusSkip,
  }, async () => {
    const r = await runCli([
      'dump',
      corpusPath('evtx', 'parser-samples/Microsoft-Windows-HelloForBusiness%4Operational.evtx'),
    ])
    assert.equal(r.code, 1)
    assert.equal(r.stdout.trim().split('\n').length, 6)
    assert.match(r.stderr, /^exhunt: EXH_ERR_EVTX_RECORD: .*chunk 0 at 0x1000: .*half-written/)
    assert.equal(r.stderr.trim().split('\n').length, 1)
  })

  it('not an event log, or no file: exit 2', async () => {
    const dir = tmpDir()
    const junk = join(dir, 'junk.evtx')
    writeFileSync(junk, 'this is not an event log\n'.repeat(500))
    const r = await runCli(['dump', junk])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /EXH_ERR_EVTX_HEADER/)
    const missing = await runCli(['dump', join(dir, 'nope.evtx')])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /EXH_ERR_FS_ENOENT/)
  })
})
