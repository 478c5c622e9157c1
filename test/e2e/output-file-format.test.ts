// `-o FILE` without -f takes the format from FILE's extension (issue 12 §5); a -f that contradicts a
// structured extension is refused before the hunt (README, options table).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { CSV_COLUMNS } from '../../src/report/index.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { DEMO, runCli } from './cli.ts'

const ONE_LOG = join(DEMO, 'C/inetpub/logs/LogFiles/W3SVC1/u_ex210304.log')

describe('-o FILE picks the format from its extension', () => {
  const dir = tmpDir('exhunt-e2e-ext-')
  const hunt = (...args: string[]) => runCli(['hunt', ONE_LOG, '--no-progress', ...args])

  it('report.html → the HTML report (was: text in a .html file)', async () => {
    const out = join(dir, 'report.html')
    const r = await hunt('-o', out)
    assert.equal(r.code, 1, r.stderr)
    assert.match(readFileSync(out, 'utf8'), /^<!doctype html>/)
  })

  it('.json, .jsonl and .csv', async () => {
    const [json, jsonl, csv] = ['r.json', 'r.jsonl', 'r.csv'].map((n) => join(dir, n)) as [
      string,
      string,
      string,
    ]
    await Promise.all([hunt('-o', json), hunt('-o', jsonl), hunt('-o', csv)])
    assert.equal(JSON.parse(readFileSync(json, 'utf8')).schema, 'exhunt.hunt/2')
    const lines = readFileSync(jsonl, 'utf8').trimEnd().split('\n')
    assert.equal(JSON.parse(lines.at(-1) as string).type, 'summary')
    assert.equal(readFileSync(csv, 'utf8').split('\r\n')[0], CSV_COLUMNS.join(','))
  })

  it('an unknown extension is text, without a word', async () => {
    const out = join(dir, 'report.out')
    const r = await hunt('-o', out)
    assert.equal(r.stderr, '')
    assert.match(readFileSync(out, 'utf8'), /^━+\n /)
  })

  it('-f json -o report.html is refused: exit 2, one line, nothing written', async () => {
    const out = join(dir, 'mismatch.html')
    const r = await hunt('-f', 'json', '-o', out)
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^exhunt: -f json does not match -o .*mismatch\.html.*\n$/)
  })
})
