// Not part of npm test (scripts/test.mjs walks src and test): node --import tsx --test bench/gen-logs.test.ts
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { generateLogSet, parseSize } from './gen-logs.ts'
import { HTTPPROXY_FIELDS } from './lib/exchange-lines.ts'
import { FIXED_PATTERNS } from './lib/log-patterns.ts'

const tmp = mkdtempSync(join(tmpdir(), 'exhunt-gen-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

test('parseSize reads binary units', () => {
  assert.equal(parseSize('1G'), 2 ** 30)
  assert.equal(parseSize('200M'), 200 * 2 ** 20)
  assert.throws(() => parseSize('lots'))
})

test('the same seed gives byte-identical sets, planted lines sit where the manifest says', () => {
  const a = generateLogSet(join(tmp, 'a'), 40 * 2 ** 20, 7)
  const b = generateLogSet(join(tmp, 'b'), 40 * 2 ** 20, 7)
  assert.ok(a.planted.length >= 2, `planted ${a.planted.length}`)
  assert.deepEqual(
    a.planted.map((p) => p.token),
    b.planted.map((p) => p.token),
  )
  for (const p of a.planted) {
    const lines = readFileSync(join(a.dir, p.file), 'latin1').split('\r\n')
    assert.equal(lines[p.lineNo - 1], p.line)
    assert.ok(p.line.includes(p.token))
    assert.ok(
      FIXED_PATTERNS.some((re) => new RegExp(re, 'i').test(p.line)),
      `no grep pattern for ${p.kind}`,
    )
    if (p.file.endsWith('.LOG')) {
      assert.match(lines[4]!, /^#Fields: DateTime,RequestId,/)
      assert.equal(p.line.split(',').length, HTTPPROXY_FIELDS.split(',').length)
    }
  }
})
