import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatOfName, pickFormat } from './output-format.ts'

test('without -f, the -o extension picks the format (any case)', () => {
  const cases: Array<[string, string]> = [
    ['report.html', 'html'],
    ['r.HTM', 'html'],
    ['r.json', 'json'],
    ['r.ndjson', 'ndjson'],
    ['r.jsonl', 'ndjson'],
    ['out/r.csv', 'csv'],
    ['r.txt', 'text'],
    ['r.log', 'text'],
  ]
  for (const [file, format] of cases)
    assert.deepEqual(pickFormat(undefined, file), { format }, file)
})

test('an unknown or missing extension, or no -o, is text', () => {
  for (const file of ['report', 'r.out', 'r.html.bak', undefined])
    assert.deepEqual(pickFormat(undefined, file), { format: 'text' }, String(file))
  assert.equal(formatOfName('report.pdf'), undefined)
})

test('an explicit -f wins when the name agrees, is text-like or unknown', () => {
  assert.deepEqual(pickFormat('json', 'r.json'), { format: 'json' })
  assert.deepEqual(pickFormat('json', 'r.txt'), { format: 'json' })
  assert.deepEqual(pickFormat('csv', 'r.out'), { format: 'csv' })
  assert.deepEqual(pickFormat('html', undefined), { format: 'html' })
})

test('-f that contradicts a structured extension is refused, naming both', () => {
  for (const [f, file] of [
    ['json', 'r.html'],
    ['text', 'r.csv'],
    ['ndjson', 'r.json'],
    ['json', 'r.jsonl'],
  ] as const) {
    const c = pickFormat(f, file)
    assert.ok('error' in c, `${f} ${file}`)
    assert.match(c.error, new RegExp(`-f ${f}.*-o ${file.replace('.', '\\.')}`))
    assert.doesNotMatch(c.error, /\n/)
  }
})
