// The web-file heuristic format's `at-least` group: compiled, evaluated, and rejected with a clear problem
// when malformed.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compileHeuristic } from '../../src/content/webfile/load-heuristics.ts'
import { heuristicHits } from '../../src/detect/webfile/heuristics.ts'
import { webFileInfo } from '../../src/detect/webfile/hit.ts'

function doc(match: unknown) {
  return {
    id: 'exh-web-t',
    title: 't',
    level: 'high',
    proves: 'compromise',
    references: ['https://example.org/t'],
    match,
    reasons: ['r'],
    tests: { positive: [{ name: 'a.aspx', text: 'x' }], negative: [{ name: 'b.aspx', text: 'y' }] },
  }
}

function fires(match: unknown, text: string): boolean {
  const problems: string[] = []
  const { rule } = compileHeuristic(doc(match), 'rules/webfile/exh-web-t.yml', problems)
  assert.deepEqual(problems, [])
  const file = webFileInfo('/e/a.aspx', undefined, text.length)
  const bytes = Buffer.from(text)
  return (
    heuristicHits({ rules: [rule] }, { file, bytes, text, lower: text.toLowerCase() }).length > 0
  )
}

describe('web-file heuristics: at-least', () => {
  const twoOf = {
    'at-least': { count: 2, of: [{ regex: 'alpha' }, { regex: 'beta' }, { contains: 'gamma' }] },
  }

  test('fires with count conditions true, not with fewer', () => {
    assert.equal(fires(twoOf, 'alpha gamma'), true)
    assert.equal(fires(twoOf, 'alpha beta gamma'), true)
    assert.equal(fires(twoOf, 'gamma only'), false)
    assert.equal(fires(twoOf, 'nothing'), false)
  })

  test('nests inside all/none like any other group', () => {
    const m = { all: [twoOf, { none: [{ regex: 'safe' }] }] }
    assert.equal(fires(m, 'alpha beta'), true)
    assert.equal(fires(m, 'alpha beta safe'), false)
  })

  test('a malformed at-least is a problem, not a crash', () => {
    for (const bad of [
      { count: 0, of: [{ regex: 'a' }] },
      { count: 3, of: [{ regex: 'a' }] },
      { count: 1 },
    ]) {
      const problems: string[] = []
      compileHeuristic(doc({ 'at-least': bad }), 'rules/webfile/exh-web-t.yml', problems)
      assert.ok(
        problems.some((p) => p.includes('at-least')),
        JSON.stringify(bad),
      )
    }
  })
})

describe('web-file heuristics: oversized', () => {
  const compile = (v: unknown, problems: string[]) =>
    compileHeuristic(doc({ oversized: v }), 'rules/webfile/exh-web-t.yml', problems).rule

  test('true fires only on a file read in part, false only on a file read whole', () => {
    const problems: string[] = []
    const yes = compile(true, problems)
    const no = compile(false, problems)
    assert.deepEqual(problems, [])
    const text = '<%@ Page %>'
    const bytes = Buffer.from(text)
    const whole = webFileInfo('/e/a.aspx', undefined, 40_000_000)
    const head = { ...whole, oversized: true }
    const hit = (rule: typeof yes, file: typeof whole) =>
      heuristicHits({ rules: [rule] }, { file, bytes, text, lower: text }).length > 0
    assert.equal(hit(yes, head), true)
    assert.equal(hit(yes, whole), false)
    assert.equal(hit(no, whole), true)
    assert.equal(hit(no, head), false)
  })

  test('anything but a boolean is a problem', () => {
    const problems: string[] = []
    compile('yes', problems)
    assert.ok(problems.some((p) => p.includes('oversized wants true or false')))
  })
})
