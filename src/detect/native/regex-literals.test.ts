import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { regexLiterals } from './regex-literals.ts'

describe('regexLiterals', () => {
  test('reads required literals and literal alternations of shipped rule regexes', () => {
    assert.deepEqual(regexLiterals('^/ecp/[0-9a-z]{1,3}\\.js$'), [['/ecp/'], ['.js']])
    assert.deepEqual(regexLiterals('\\.(?:aspx|ashx|php)$'), [['.aspx', '.ashx', '.php']])
    assert.deepEqual(regexLiterals('^/(?:owa|ecp)/auth/(?:[^/]+/)*[^/]+\\.(?:aspx|ashx)$'), [
      ['/owa/auth/', '/ecp/auth/'],
      ['.aspx', '.ashx'],
    ])
    assert.deepEqual(regexLiterals('(?<n>foo)bar'), [['foobar']])
  })

  test('optional and repeated parts end a literal; optional ones are dropped', () => {
    assert.deepEqual(regexLiterals('ab?c'), [['a'], ['c']])
    assert.deepEqual(regexLiterals('x(?:abc)?y'), [['x'], ['y']])
    assert.deepEqual(regexLiterals('ab+c'), [['ab'], ['c']])
    assert.deepEqual(regexLiterals('a{0,2}bc'), [['bc']])
    assert.deepEqual(regexLiterals('a*b{2}'), [['b']])
  })

  test('escapes and lookarounds never become literal text', () => {
    assert.deepEqual(regexLiterals('\\x41bc'), [['bc']])
    assert.deepEqual(regexLiterals('\\u{41}bc'), [['bc']])
    assert.deepEqual(regexLiterals('\\d+\\.x'), [['.x']])
    assert.deepEqual(regexLiterals('(?=abc)d'), [['d']])
    assert.deepEqual(regexLiterals('serverinfo~[^/]*/(?!x)'), [['serverinfo~'], ['/']])
    assert.deepEqual(regexLiterals('(a)\\1b'), [['a'], ['b']])
  })

  test('gives nothing it cannot be sure of', () => {
    assert.deepEqual(regexLiterals('abc|def'), [])
    assert.deepEqual(regexLiterals('(?:ab|c.d)x'), [['x']])
    assert.deepEqual(regexLiterals('[abc'), [])
    assert.deepEqual(regexLiterals('\\q'), [])
  })

  test('every literal it reads occurs in strings the regex matches', () => {
    const cases: [string, string[]][] = [
      ['^/ecp/[0-9a-z]{1,3}\\.js$', ['/ecp/y.js', '/ecp/abc.js']],
      ['\\.(?:aspx|ashx)$', ['/a/b.aspx', 'x.ashx']],
      ['ab?c+d', ['acd', 'abcccd']],
    ]
    for (const [re, samples] of cases) {
      for (const s of samples) {
        assert.ok(new RegExp(re).test(s))
        for (const group of regexLiterals(re))
          assert.ok(
            group.some((l) => s.includes(l)),
            `${re} ${s}`,
          )
      }
    }
  })
})
