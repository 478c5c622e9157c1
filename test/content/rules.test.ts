// The gate on the shipped native rules: every rule loads without errors, is named after its file, has a
// unique id, carries positive and negative tests that pass, and its positive raw lines pass the prefilter.
import assert from 'node:assert/strict'
import { basename } from 'node:path'
import { describe, test } from 'node:test'
import { runRuleTests } from '../../src/content/lint.ts'
import { loadNativeRules } from '../../src/content/rules/load.ts'
import { compileRules } from '../../src/detect/native/compile.ts'
import { compileNeedles } from '../../src/sources/logs/needles.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'

const CONTENT = `${REPO_ROOT}/content`
const loaded = loadNativeRules(CONTENT)

describe('shipped native rules (content/rules/native)', () => {
  test('load and compile with zero errors', () => {
    const errors = [...loaded.issues, ...compileRules(loaded.rules).issues].filter(
      (i) => i.severity === 'error',
    )
    assert.deepEqual(
      errors.map((i) => `${i.file}: ${i.path}: ${i.message}`),
      [],
    )
    assert.ok(loaded.rules.length > 0, 'no native rules found')
  })

  test('id = file name, ids unique', () => {
    const ids = new Set<string>()
    for (const r of loaded.rules) {
      assert.equal(basename(r.file, '.yml'), r.id, r.file)
      assert.ok(!ids.has(r.id), `duplicate id ${r.id}`)
      ids.add(r.id)
    }
  })

  test('every rule has at least one positive and one negative test', () => {
    for (const r of loaded.rules) {
      assert.ok(r.tests.positive.length >= 1, `${r.file}: no positive test`)
      assert.ok(r.tests.negative.length >= 1, `${r.file}: no negative test`)
    }
  })

  test('every rule test passes (positives match, negatives do not, raw positives hold a needle)', () => {
    const r = runRuleTests(loaded.rules)
    assert.deepEqual(r.failures, [])
    assert.ok(r.run >= loaded.rules.length * 2)
  })

  test('every positive test given as a raw line passes its log type prefilter (the hunt scanner)', () => {
    const { set } = compileRules(loaded.rules)
    for (const rule of loaded.rules) {
      if (rule.status === 'deprecated') continue
      for (const t of rule.tests.positive) {
        if (t.kind !== 'line') continue
        for (const type of rule.source) {
          const prefilter = set.prefilterFor(type)
          if (prefilter === null) continue
          const scanner = compileNeedles(prefilter)
          const line = Buffer.from(t.line, 'latin1')
          scanner?.reset(line)
          assert.ok(
            !scanner || scanner.wants(0, line.length),
            `${rule.file}: positive line does not pass the ${type} prefilter: ${t.line}`,
          )
        }
      }
    }
  })
})
