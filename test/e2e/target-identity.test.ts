// Issue 13 §3: the report says which server it is about, and finding ids are the same for the same
// evidence hunted as a folder or as a zip of it, and differ between two servers with identical
// lines. Real hunts of the demo, zipped here two ways, and a copy that names another host.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { hunt } from '../../src/hunt/run.ts'
import type { Finding, HuntReport } from '../../src/shared/types.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { makeZip } from '../helpers/zip-writer.ts'
import { DEMO } from './cli.ts'

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.replaceAll('\\', '/'))
    .sort()
}

/** `under` + every file of `dir`, as `zip -r` of the folder (under = 'evidence/') or of its contents. */
function zipOf(dir: string, under: string, to: string): string {
  writeFileSync(
    to,
    makeZip(files(dir).map((p) => ({ name: `${under}${p}`, data: readFileSync(join(dir, p)) }))),
  )
  return to
}

/** The demo as another server wrote it: only the host column of its Exchange logs says EXCH02. */
function otherHost(): string {
  const dest = join(tmpDir('exhunt-e2e-host2-'), 'evidence')
  cpSync(DEMO, dest, { recursive: true })
  let changed = 0
  for (const p of files(dest).filter((p) => /\.log$/i.test(p))) {
    const text = readFileSync(join(dest, p), 'utf8')
    // `,EXCH01,` is the whole ServerHostName / ServerName cell; the anchors and accounts that
    // mention the server (`@EXCH01.contoso.local`, `CONTOSO\EXCH01$`) stay as they are.
    const next = text.replaceAll(',EXCH01,', ',EXCH02,')
    if (next !== text) changed++
    writeFileSync(join(dest, p), next)
  }
  assert.ok(changed >= 10, `host column rewritten in ${changed} logs`)
  return dest
}

const place = (f: Finding) =>
  `${f.rule} ${f.source.path.replace(/^[^!]*!(evidence\/)?/, '')}:${f.source.line ?? ''}`
const ids = (r: HuntReport) => r.findings.map((f) => f.id).sort()

describe('report target and finding ids', () => {
  const reports = new Map<string, HuntReport>()
  let zipPath = ''
  before(async () => {
    const tmp = tmpDir('exhunt-e2e-target-')
    zipPath = zipOf(DEMO, 'evidence/', join(tmp, 'EXCH01.zip'))
    const flat = zipOf(DEMO, '', join(tmp, 'flat.zip'))
    const run = (input: string) => hunt({ input, workers: 2 })
    reports.set('folder', await run(DEMO))
    reports.set('zip', await run(zipPath))
    reports.set('flat', await run(flat))
    reports.set('host2', await run(otherHost()))
    reports.set(
      'given',
      await hunt({
        input: flat,
        workers: 2,
        evidenceDigest: { algorithm: 'sha256', value: 'c'.repeat(64) },
      }),
    )
  })

  it('names the host, the install folder and the evidence', () => {
    const r = reports.get('folder')!
    assert.equal(r.kind, 'hunt')
    assert.equal(r.schema, 'exhunt.hunt/2')
    assert.deepEqual(r.target.hosts, ['EXCH01'])
    assert.equal(r.target.installPath, 'C:\\Program Files\\Microsoft\\Exchange Server\\V15')
    assert.equal(r.target.evidence?.algorithm, 'listing-sha256')
    assert.match(r.target.evidence?.value ?? '', /^[0-9a-f]{64}$/)
    assert.deepEqual(reports.get('host2')!.target.hosts, ['EXCH02'])
  })

  it('a zip is identified by the SHA-256 of the zip file', () => {
    const z = reports.get('zip')!
    const want = createHash('sha256').update(readFileSync(zipPath)).digest('hex')
    assert.deepEqual(z.target.evidence, { algorithm: 'sha256', value: want })
    assert.deepEqual(z.target.hosts, ['EXCH01'])
    assert.equal(z.target.installPath, reports.get('folder')!.target.installPath)
  })

  it('a digest the caller already has is reported as given', () => {
    assert.deepEqual(reports.get('given')!.target.evidence, {
      algorithm: 'sha256',
      value: 'c'.repeat(64),
    })
    assert.deepEqual(ids(reports.get('given')!), ids(reports.get('flat')!))
  })

  it('the same evidence as a folder, a zip of the folder and a zip of its contents: the same ids', () => {
    const folder = reports.get('folder')!
    assert.ok(folder.findings.length >= 10, `${folder.findings.length} findings`)
    assert.equal(new Set(ids(folder)).size, folder.findings.length, 'ids are unique in a report')
    for (const form of ['zip', 'flat']) {
      const r = reports.get(form)!
      assert.equal(r.input.kind, 'zip')
      assert.ok(
        r.findings.every((f) => f.source.path.includes('.zip!')),
        form,
      )
      assert.deepEqual(ids(r), ids(folder), form)
      // Same id, same finding: the id names the rule and place, not only the set.
      const byId = new Map(r.findings.map((f) => [f.id, place(f)]))
      for (const f of folder.findings) assert.equal(byId.get(f.id), place(f), `${form} ${f.id}`)
      // Links between findings are made of ids too.
      const rel = (x: HuntReport) => x.findings.map((f) => `${f.id}>${(f.related ?? []).join(',')}`)
      assert.deepEqual(rel(r).sort(), rel(folder).sort(), `${form} related`)
    }
  })

  it('identical lines and files on two servers: different ids', () => {
    const one = reports.get('folder')!
    const two = reports.get('host2')!
    assert.deepEqual(two.findings.map(place).sort(), one.findings.map(place).sort())
    const shared = ids(two).filter((id) => ids(one).includes(id))
    assert.deepEqual(shared, [])
  })
})
