// A valid native rule for unit tests: defaults plus the overrides a test cares about.
import assert from 'node:assert/strict'
import type { NativeRule } from '../../src/content/rules/rule-types.ts'
import { validateRuleDoc } from '../../src/content/rules/validate.ts'

export function makeRule(id: string, over: Record<string, unknown> = {}): NativeRule {
  const doc = {
    id,
    title: `rule ${id}`,
    status: 'test',
    level: 'high',
    category: 'exploitation',
    proves: 'compromise',
    source: 'httpproxy',
    references: ['https://example.org/a'],
    match: { field: 'anchormailbox', startswith: 'ServerInfo~' },
    tests: { positive: [{ a: 'b' }], negative: [{ a: 'c' }] },
    ...over,
  }
  const r = validateRuleDoc(doc, `rules/native/t/${id}.yml`)
  assert.ok(r.rule, JSON.stringify(r.issues))
  return r.rule
}
