// One rule header for every rule format: the same field, wrong in the same way, gets the same message from
// the native, web-file and artefact loaders (all call shared/rule-header.ts), and the header's optional
// fields (falsepositives, modified, license) are read the same everywhere.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { validateRuleDoc } from '../../src/content/rules/validate.ts'
import { compileHeuristic } from '../../src/content/webfile/load-heuristics.ts'
import { compileArtefactRule } from '../../src/detect/artefacts/compile-rules.ts'
import type { ContentIssue } from '../../src/shared/content-issue.ts'
import { parseRuleHeader } from '../../src/shared/rule-header.ts'

const HEADER = {
  title: 't',
  level: 'high',
  proves: 'suspicion',
  references: ['https://example.org/a'],
  author: 'someone',
  license: 'DRL-1.1',
  falsepositives: ['a backup agent'],
  modified: '2026-11-30',
}

/** Each loader's messages for the header fields of `header`, as `path: message`. */
function messages(header: Record<string, unknown>): Record<string, string[]> {
  const native = validateRuleDoc(
    {
      id: 'exh-t-x',
      status: 'test',
      category: 'exploitation',
      source: 'iis',
      match: { field: 'urlpath', equals: '/x' },
      tests: { positive: [{ urlpath: '/x' }], negative: [{ urlpath: '/y' }] },
      ...header,
    },
    'rules/native/t/exh-t-x.yml',
  ).issues.map((i) => `${i.path}: ${i.message}`)
  const web: string[] = []
  compileHeuristic(
    {
      id: 'exh-web-x',
      match: { regex: 'x' },
      reasons: ['r'],
      tests: { positive: [{ name: 'a', text: 'x' }], negative: [{ name: 'b', text: 'y' }] },
      ...header,
    },
    'rules/webfile/exh-web-x.yml',
    web,
  )
  const art: ContentIssue[] = []
  compileArtefactRule(
    {
      id: 'exh-art-x',
      target: 'file',
      match: { ext: ['dmp'] },
      reasons: ['r'],
      tests: { positive: [{ path: 'a.dmp' }], negative: [{ path: 'b.txt' }] },
      ...header,
    },
    'rules/artefacts/exh-art-x.yml',
    art,
  )
  return {
    native,
    web: web.map((p) => p.replace(/^rules\/webfile\/exh-web-x\.yml: /, '')),
    artefact: art.map((i) => `${i.path}: ${i.message}`),
  }
}

describe('the shared rule header', () => {
  test('a valid header is accepted by every format', () => {
    assert.deepEqual(messages(HEADER), { native: [], web: [], artefact: [] })
  })

  test('the same mistakes give the same messages in every format', () => {
    const m = messages({ ...HEADER, level: 'severe', proves: 'maybe', modified: 'last week' })
    const expected = [
      "level: level 'severe' is not one of info, low, medium, high, critical",
      "proves: proves 'maybe' is not one of context, suspicion, attempt, compromise",
      "modified: modified 'last week' is not YYYY-MM-DD",
    ]
    for (const [format, got] of Object.entries(m)) assert.deepEqual(got, expected, format)
  })

  test('the optional fields come through', () => {
    const issues: string[] = []
    const h = parseRuleHeader(
      { id: 'exh-web-x', ...HEADER },
      'rules/webfile/exh-web-x.yml',
      {
        idPrefix: 'exh-web-',
        categories: ['webshell'],
        defaultCategory: 'webshell',
        classification: false,
      },
      (p, m) => issues.push(`${p}: ${m}`),
    )
    assert.deepEqual(issues, [])
    assert.equal(h?.category, 'webshell')
    assert.deepEqual(h?.falsepositives, ['a backup agent'])
    assert.equal(h?.license, 'DRL-1.1')
    assert.equal(h?.modified, '2026-11-30')
    const r = validateRuleDoc(
      {
        id: 'exh-t-x',
        status: 'test',
        category: 'exploitation',
        source: 'iis',
        match: { field: 'urlpath', equals: '/x' },
        tests: { positive: [{ urlpath: '/x' }], negative: [{ urlpath: '/y' }] },
        ...HEADER,
      },
      'rules/native/t/exh-t-x.yml',
    )
    assert.deepEqual(r.rule?.falsepositives, ['a backup agent'])
    assert.equal(r.rule?.license, 'DRL-1.1')
  })
})
