import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { loadNativeRules } from './load.ts'
import { validateRuleDoc } from './validate.ts'

export function goodDoc(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'exh-test-rule',
    title: 'Test rule',
    status: 'test',
    level: 'high',
    category: 'exploitation',
    proves: 'attempt',
    source: 'httpproxy',
    references: ['https://example.org/advisory'],
    match: { all: [{ field: 'anchormailbox', startswith: 'ServerInfo~' }] },
    tests: {
      positive: [{ anchormailbox: 'ServerInfo~x/y' }],
      negative: [{ anchormailbox: 'smtp:a@b' }],
    },
    ...over,
  }
}

const FILE = 'rules/native/test/exh-test-rule.yml'

function paths(doc: unknown, severity = 'error'): string[] {
  return validateRuleDoc(doc, FILE)
    .issues.filter((i) => i.severity === severity)
    .map((i) => i.path)
    .sort()
}

describe('validateRuleDoc', () => {
  test('accepts a valid rule and normalises it', () => {
    const r = validateRuleDoc(goodDoc({ source: ['httpproxy', 'iis'], subtype: ['Ecp'] }), FILE)
    assert.deepEqual(r.issues, [])
    assert.equal(r.rule?.id, 'exh-test-rule')
    assert.deepEqual(r.rule?.source, ['httpproxy', 'iis'])
    assert.deepEqual(r.rule?.subtype, ['ecp'])
    assert.equal(r.rule?.file, FILE)
    assert.deepEqual(r.rule?.tests.positive, [
      { kind: 'fields', fields: { anchormailbox: 'ServerInfo~x/y' } },
    ])
  })

  test('reports several problems at once, each with file and field path', () => {
    const doc = goodDoc({
      id: 'exh-other-name',
      level: 'severe',
      source: ['httpproxy', 'nginx'],
      match: {
        all: [
          { field: 'anchormailbox', startswith: 'x' },
          { field: 'anchormailbox', startswith: 'x', contains: 'y' },
          { field: 'urlstem', regex: '([a-z' },
          { field: 'urlstem', sartswith: 'x' },
        ],
        any: [],
      },
      tests: { positive: [{ a: 'b' }] },
    })
    const r = validateRuleDoc(doc, FILE)
    assert.equal(r.rule, undefined)
    assert.ok(r.issues.every((i) => i.file === FILE))
    assert.deepEqual(paths(doc), [
      'id',
      'level',
      'match.all[1]',
      'match.all[2].regex',
      'match.all[3]',
      'match.all[3].sartswith',
      'match.any',
      'source[1]',
      'tests.negative',
    ])
  })

  test('missing required fields are each named', () => {
    assert.deepEqual(paths({}), [
      'category',
      'id',
      'level',
      'match',
      'proves',
      'references',
      'source',
      'status',
      'tests',
      'title',
    ])
  })

  test('a rule without proves is dropped with a message that says what to add', () => {
    const { proves: _, ...doc } = goodDoc() as Record<string, unknown>
    const r = validateRuleDoc(doc, FILE)
    assert.equal(r.rule, undefined)
    const issue = r.issues.find((i) => i.path === 'proves')
    assert.equal(issue?.severity, 'error')
    assert.match(
      issue?.message ?? '',
      /add 'proves: context \| suspicion \| attempt \| compromise'/,
    )
    const bad = validateRuleDoc({ ...doc, proves: 'maybe' }, FILE)
    assert.match(
      bad.issues.find((i) => i.path === 'proves')?.message ?? '',
      /'maybe' is not one of/,
    )
  })

  test('a rule with only warnings is kept', () => {
    const r = validateRuleDoc(
      goodDoc({ extra: 1, match: { field: 'AnchorMailbox', contains: 'x' } }),
      FILE,
    )
    assert.ok(r.rule)
    assert.deepEqual(
      paths(goodDoc({ extra: 1, match: { field: 'AnchorMailbox', contains: 'x' } }), 'warning'),
      ['extra', 'match.field'],
    )
    assert.equal(r.rule.match.kind === 'string' && r.rule.match.field, 'anchormailbox')
  })

  test('checks classification, outcome, aggregate and line tests', () => {
    const doc = goodDoc({
      classification: { cves: ['CVE-2021-26855', 'CVE-21-1'], attack: ['T1190'] },
      outcome: { default: 'maybe', success: { field: 'status' } },
      aggregate: { by: 'ip', distinct: 'urlpath', min: 0, window: '1 hour' },
      tests: { positive: [{ line: 5 }, { line: 'x' }], negative: [{ line: 'x', header: 3 }] },
    })
    assert.deepEqual(paths(doc), [
      'aggregate.min',
      'aggregate.window',
      'classification.cves[1]',
      'outcome.default',
      'outcome.success',
      'tests.negative[0].header',
      'tests.positive[0].line',
      'tests.positive[1].header',
    ])
  })

  test('parses windows and levels', () => {
    const r = validateRuleDoc(
      goodDoc({
        outcome: { default: 'attempt', 'level-if-attempt': 'medium' },
        aggregate: { by: 'ip', distinct: 'urlpath', min: 3, window: '10m' },
      }),
      FILE,
    )
    assert.equal(r.rule?.aggregate?.windowMs, 600_000)
    assert.equal(r.rule?.outcome?.levelIfAttempt, 'medium')
  })
})

describe('loadNativeRules', () => {
  test('loads every file, reports YAML errors and duplicate ids, keeps the good rules', () => {
    const root = tmpDir()
    const dir = join(root, 'rules', 'native', 'test')
    mkdirSync(dir, { recursive: true })
    const yaml = (id: string) =>
      `id: ${id}\ntitle: T\nstatus: test\nlevel: low\ncategory: ioc\nproves: context\nsource: iis\nreferences: [https://x.org]\n` +
      `match: { field: cs-uri-stem, contains: /owa/ }\n` +
      `tests: { positive: [{ cs-uri-stem: /owa/x }], negative: [{ cs-uri-stem: /ecp/ }] }\n`
    writeFileSync(join(dir, 'exh-a.yml'), yaml('exh-a'))
    writeFileSync(join(dir, 'exh-b.yml'), 'id: [unclosed\n')
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'sub', 'exh-a.yml'), yaml('exh-a'))
    writeFileSync(join(dir, 'README.md'), 'not a rule')
    const r = loadNativeRules(root)
    assert.deepEqual(
      r.rules.map((x) => x.file),
      ['rules/native/test/exh-a.yml'],
    )
    const errs = r.issues.filter((i) => i.severity === 'error')
    assert.equal(errs.length, 2)
    assert.equal(errs[0]!.file, 'rules/native/test/exh-b.yml')
    assert.match(errs[0]!.message, /^YAML/)
    assert.equal(errs[1]!.file, 'rules/native/test/sub/exh-a.yml')
    assert.match(errs[1]!.message, /duplicate id/)
  })

  test('a missing rules folder is no rules, no error', () => {
    assert.deepEqual(loadNativeRules(tmpDir()), { rules: [], issues: [] })
  })
})
