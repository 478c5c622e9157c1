import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hasRun, mayMatch, regexPrefilter, requiredLiteral } from './regex-prefilter.ts'

test('required literals: quantified, grouped and escaped atoms are handled', () => {
  assert.equal(requiredLiteral('\\bProcess\\s*\\.\\s*Start\\s*\\('), 'Process')
  assert.equal(
    requiredLiteral('CreateObject\\s*\\(\\s*"WScript\\.Shell"\\s*\\)'),
    '"WScript.Shell"',
  )
  assert.equal(requiredLiteral('abc?d'), 'ab')
  assert.equal(requiredLiteral('\\x41\\x42'), '')
  assert.equal(requiredLiteral('(?:foo|bar)+'), '')
  assert.deepEqual(regexPrefilter('<%|runat\\s*=\\s*server', 'i')?.needles, ['<%', 'server'])
  assert.equal(regexPrefilter('ab|\\d+', 'i'), undefined)
})

test('the prefilter never rules out text the regex matches', () => {
  const cases: [string, string, string[]][] = [
    [
      '\\bStrReverse\\s*\\(|\\bArray\\s*\\.\\s*Reverse\\s*\\(',
      'i',
      ['x = strREVERSE (a)', 'Array . Reverse(b)'],
    ],
    [
      '(?:External|Internal)Url\\W{0,20}[^\\r\\n]{0,200}?<script',
      'i',
      ['ExternalUrl : http://x/<SCRIPT'],
    ],
    ['[A-Za-z0-9+/]{64,}={0,2}', '', [`q ${'Ab+/'.repeat(16)}==`, 'A'.repeat(64)]],
    ['(?:0x)?[0-9a-f]{64,}', 'i', [`0x${'AB'.repeat(40)}`, `zz${'f'.repeat(63)}e`]],
  ]
  for (const [src, flags, texts] of cases) {
    const pre = regexPrefilter(src, flags)
    assert.ok(pre, src)
    const re = new RegExp(src, flags)
    for (const t of texts) {
      assert.ok(re.test(t), `${src} should match ${t}`)
      assert.ok(mayMatch(pre, t, t.toLowerCase()), `${src} prefilter rejected ${t}`)
    }
    assert.equal(mayMatch(pre, 'nothing here', 'nothing here'), false)
  }
})

test('hasRun agrees with a plain scan on random text', () => {
  const table = new Uint8Array(128)
  for (const c of 'ab') table[c.charCodeAt(0)] = 1
  let seed = 7
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed
  }
  for (let n = 0; n < 2000; n++) {
    const len = rnd() % 60
    let t = ''
    for (let i = 0; i < len; i++) t += 'abc'[rnd() % 3]
    const min = 1 + (rnd() % 8)
    const longest = Math.max(0, ...(t.match(/[ab]+/g) ?? []).map((r) => r.length))
    assert.equal(hasRun(t, table, min), longest >= min, `${t} ${min}`)
  }
})
