// A folder of evidence zips (issue 12 §3): several servers' collections side by side are hunted one
// report per zip, with a summary, in every format; the exit code is the most serious one. Zips are
// made at test time from the demo (a compromised server) and the busy-clean generator (a clean one).
import assert from 'node:assert/strict'
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { CSV_COLUMNS } from '../../src/report/index.ts'
import { checkSchema, type Schema } from '../../src/report/schema-check.ts'
import type { HuntReport } from '../../src/shared/types.ts'
import { makeBusyClean } from '../fixtures/busy-clean/make.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { makeZip } from '../helpers/zip-writer.ts'
import { type CliResult, DEMO, runCli } from './cli.ts'

const SHELL_DAY = 'C/inetpub/logs/LogFiles/W3SVC1/u_ex210304.log'

function zipTree(dir: string, only?: (rel: string) => boolean): Buffer {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.replaceAll('\\', '/'))
    .filter((p) => !only || only(p))
  return makeZip(files.map((name) => ({ name, data: readFileSync(join(dir, name)) })))
}

/** EXCH01.zip: the demo's web-shell day (compromised); EXCH02.zip: a busy clean day (KAPE-like C/). */
function zips(): { compromised: Buffer; clean: Buffer } {
  const clean = tmpDir('exhunt-e2e-batch-clean-')
  makeBusyClean(clean)
  return { compromised: zipTree(DEMO, (p) => p === SHELL_DAY), clean: zipTree(clean) }
}

function folder(files: Record<string, Buffer | string>): string {
  const dir = tmpDir('exhunt-e2e-batch-')
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data)
  return dir
}

describe('exhunt hunt FOLDER-OF-ZIPS', () => {
  let dir: string
  const out = tmpDir('exhunt-e2e-batch-out-')
  let text: CliResult
  let json: CliResult
  let ndjson: CliResult
  let csv: CliResult
  let html: CliResult
  let broken: CliResult
  let onlyClean: CliResult
  let one: CliResult
  let mixed: CliResult
  before(async () => {
    const z = zips()
    dir = folder({ 'EXCH01.zip': z.compromised, 'EXCH02.zip': z.clean, 'EXCH02.zip.sha256': 'x' })
    const bad = folder({ 'EXCH02.zip': z.clean, 'EXCH03.zip': 'not a zip at all' })
    const cleanOnly = folder({ 'EXCH02.zip': z.clean })
    const withLog = folder({ 'EXCH02.zip': z.clean })
    copyFileSync(join(DEMO, SHELL_DAY), join(withLog, 'u_ex210304.log'))
    const hunt = (path: string, ...args: string[]) =>
      runCli(['hunt', path, '--no-progress', ...args], { timeoutMs: 120_000 })
    ;[text, json, ndjson, csv, html, broken, onlyClean, one, mixed] = await Promise.all([
      hunt(dir),
      hunt(dir, '-o', join(out, 'r.json')),
      hunt(dir, '-f', 'ndjson'),
      hunt(dir, '-o', join(out, 'r.csv')),
      hunt(dir, '-o', join(out, 'r.html')),
      hunt(bad, '-f', 'json'),
      hunt(cleanOnly, '-f', 'json'),
      hunt(dir, '--one', '-f', 'json'),
      hunt(withLog, '-f', 'json'),
    ])
  })

  it('text: a summary table first (one row per zip, verdict, counts, build), then each report', () => {
    assert.equal(text.code, 1, text.stderr)
    const lines = text.stdout.split('\n')
    assert.match(lines[0] as string, /2 evidence zips in .*: 1 compromised, 1 (clean|exposed)/)
    const header = lines.find((l) => l.includes('verdict')) as string
    for (const col of ['evidence', 'crit', 'high', 'med', 'build', 'top reason'])
      assert.ok(header.includes(col), header)
    const row1 = lines.find((l) => l.startsWith('  EXCH01.zip')) as string
    const row2 = lines.find((l) => l.startsWith('  EXCH02.zip')) as string
    assert.match(row1, /compromised\s+0\s+[1-9]\d*\s/)
    assert.match(row2, /(clean|exposed)\s+0\s+0\s+0\s/)
    assert.match(row2, /15\.1\.2375\.7/, 'the build of the clean server')
    assert.equal(text.stdout.match(/^ COMPROMISED /gm)?.length, 1)
    assert.equal(text.stdout.match(/^exhunt .*EXCH0[12]\.zip \(zip/gm)?.length, 2)
    assert.ok(text.stdout.indexOf('EXCH01.zip (zip') < text.stdout.indexOf('EXCH02.zip (zip'))
  })

  it('--format json: an array of reports, each valid exhunt.hunt/2', () => {
    assert.equal(json.code, 1, json.stderr)
    const reports = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')) as HuntReport[]
    assert.ok(Array.isArray(reports))
    assert.deepEqual(
      reports.map((r) => r.input.path.split('/').at(-1)),
      ['EXCH01.zip', 'EXCH02.zip'],
    )
    assert.equal(reports[0]?.verdict, 'compromised')
    assert.ok(['clean', 'exposed'].includes(reports[1]?.verdict as string))
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, 'docs', 'hunt-report.schema.json'), 'utf8'),
    ) as Schema
    for (const r of reports) assert.deepEqual(checkSchema(r, schema), [])
  })

  it('--format ndjson: one whole report per line', () => {
    assert.equal(ndjson.code, 1, ndjson.stderr)
    const lines = ndjson.stdout.trimEnd().split('\n')
    assert.equal(lines.length, 2)
    const reports = lines.map((l) => JSON.parse(l) as HuntReport)
    assert.deepEqual(
      reports.map((r) => r.schema),
      ['exhunt.hunt/2', 'exhunt.hunt/2'],
    )
    assert.equal(reports[0]?.verdict, 'compromised')
  })

  it('CSV: a leading evidence column naming the zip of each finding', () => {
    assert.equal(csv.code, 1, csv.stderr)
    const rows = readFileSync(join(out, 'r.csv'), 'utf8').trimEnd().split('\r\n')
    assert.equal(rows[0], ['evidence', ...CSV_COLUMNS].join(','))
    const byZip = new Set(rows.slice(1).map((r) => r.split(',')[0]))
    assert.ok(byZip.has('EXCH01.zip'), [...byZip].join())
    for (const z of byZip) assert.match(z as string, /^EXCH0[12]\.zip$/)
  })

  it('HTML: one page with the summary table and each report', () => {
    assert.equal(html.code, 1, html.stderr)
    const page = readFileSync(join(out, 'r.html'), 'utf8')
    assert.equal(page.match(/<!doctype html>/g)?.length, 1)
    assert.equal(page.match(/<html/g)?.length, 1)
    assert.match(page, /<a href="#report-0">EXCH01\.zip<\/a>/)
    assert.match(page, /<article id="report-1">/)
    assert.equal(page.match(/<header class="banner/g)?.length, 2)
    const ids = [...page.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1])
    assert.equal(new Set(ids).size, ids.length, 'element ids are unique on the page')
  })

  it('a zip that cannot be read: exit 2, named on stderr in one line, the other report kept', () => {
    assert.equal(broken.code, 2)
    assert.match(broken.stderr, /^exhunt: \S*EXCH03\.zip: EXH_ERR_ZIP_CORRUPT: [^\n]*\n$/)
    const reports = JSON.parse(broken.stdout) as HuntReport[]
    assert.equal(reports.length, 1)
    assert.match(reports[0]?.input.path as string, /EXCH02\.zip$/)
  })

  it('only clean zips: exit 0', () => {
    assert.equal(onlyClean.code, 0, onlyClean.stderr)
    assert.equal((JSON.parse(onlyClean.stdout) as HuntReport[]).length, 1)
  })

  it('--one hunts the folder as one evidence', () => {
    const r = JSON.parse(one.stdout) as HuntReport
    assert.equal(r.schema, 'exhunt.hunt/2')
    assert.equal(r.input.kind, 'directory')
  })

  it('zips beside a log stay one hunt, and the log is read', () => {
    assert.equal(mixed.code, 1, mixed.stderr)
    const r = JSON.parse(mixed.stdout) as HuntReport
    assert.equal(r.input.kind, 'directory')
    assert.ok(r.findings.length > 0)
  })
})
