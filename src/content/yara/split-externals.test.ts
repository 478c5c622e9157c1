import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { compile } from '@litko/yara-x'
import { corpusPath, corpusSkip, REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { compileYaraSources, loadYara, YARA_EXTERNALS, yaraVariables } from './load-yara.ts'
import { externalKey, maskYara, splitYaraSources } from './split-externals.ts'

describe('splitYaraSources', () => {
  test('a rule reads the path only through its condition, not its strings or comments', () => {
    const src = `import "math"
// rule Fake { condition: filepath }
rule A { strings: $s = "filename: x" condition: $s /* filepath */ }
rule B { strings: $s = /extension/ condition: $s and filepath contains "\\\\Cache\\\\" }
private rule P { strings: $p = "p" condition: $p }
rule C { condition: B and P }
rule D { condition: P }`
    const s = splitYaraSources([src])
    assert.deepEqual([...s.pathRules].sort(), ['B', 'C'])
    assert.equal(s.content.length, 1)
    assert.match(s.content[0] ?? '', /^import "math"/)
    assert.match(s.content[0] ?? '', /rule A/)
    assert.match(s.content[0] ?? '', /rule D/)
    assert.doesNotMatch(s.content[0] ?? '', /rule [BC] /)
    // The path set keeps what its rules reference (P) and the file's imports.
    assert.match(s.path[0] ?? '', /^import "math"/)
    assert.match(s.path[0] ?? '', /private rule P/)
    assert.doesNotMatch(s.path[0] ?? '', /rule A /)
    const scanner = compileYaraSources([src])
    assert.ok(scanner?.pathDependent)
  })

  test('comparisons with literals give a key; any other use of an external gives none', () => {
    const s = splitYaraSources([
      'rule B { strings: $a = "x" condition: $a and not filepath contains "\\\\Cache\\\\" and extension iequals ".PHP" }',
    ])
    assert.deepEqual(
      s.pathTests?.map((t) => [t.external, t.op, t.value]),
      [
        ['filepath', 'contains', '\\Cache\\'],
        ['extension', 'iequals', '.PHP'],
      ],
    )
    const tests = s.pathTests ?? []
    assert.equal(externalKey(tests, { filepath: 'C:\\x\\Cache\\a.php', extension: '.php' }), '11')
    assert.equal(externalKey(tests, { filepath: 'C:\\x\\a.aspx', extension: '.aspx' }), '00')
    assert.equal(
      splitYaraSources(['rule R { condition: filename matches /a/ }']).pathTests,
      undefined,
    )
    assert.equal(
      splitYaraSources(['rule R { condition: filename == extension }']).pathTests,
      undefined,
    )
  })

  test('a global rule keeps every rule per path (nothing reused)', () => {
    const s = splitYaraSources([
      'global rule G { condition: filesize < 10 } rule X { condition: true }',
    ])
    assert.equal(s.content.length, 0)
    assert.equal(s.path.length, 1)
  })

  test('masking keeps the length and blanks strings, regexes and comments', () => {
    const t = 'rule R { strings: $a = "{x}" $b = /a{2}/ condition: $a // }\n}'
    const m = maskYara(t)
    assert.equal(m.length, t.length)
    assert.equal([...m].filter((c) => c === '{').length, 1)
  })

  test('the split scanner matches as one scanner on the corpus, at ordinary and excluded paths', {
    skip: corpusSkip,
  }, () => {
    const y = loadYara(join(REPO_ROOT, 'content'), [], { compile: false })
    const defineVariables = Object.fromEntries(YARA_EXTERNALS.map((k) => [k, '']))
    const whole = compile(y.sources.join('\n'), { defineVariables })
    const split = compileYaraSources(y.sources)
    assert.ok(split?.pathDependent, 'the vendored rules include some that read filepath')
    const dir = corpusPath('webshells/malicious/dev')
    let n = 0
    for (const f of readdirSync(dir)) {
      if (/\.(csv|md)$/.test(f)) continue
      const bytes = readFileSync(join(dir, f))
      for (const p of [
        `C:\\inetpub\\wwwroot\\aspnet_client\\${f}`,
        `C:\\Users\\u\\AppData\\Local\\Microsoft\\Windows\\INetCache\\IE\\${f}.php`,
      ]) {
        const vars = yaraVariables(p, p)
        assert.deepEqual(
          split.scan(bytes, vars).map((m) => m.ruleIdentifier),
          whole.scan(bytes, vars).map((m: { ruleIdentifier: string }) => m.ruleIdentifier),
          `${f} at ${p}`,
        )
        n++
      }
    }
    assert.ok(n > 100, `${n} scans`)
  })
})
