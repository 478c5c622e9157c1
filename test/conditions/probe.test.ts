// The condition table for probe matchers (content/probe): `a` and `b` are two response headers
// (`x-case-a`, `x-case-b`; an absent field is an absent header). Each case is one check rule compiled by
// the real compiler (detect/probe compile-rules.ts), its outcome read through the engine's runCheck.
import { compileProbeRule } from '../../src/detect/probe/compile-rules.ts'
import { matchContext, runCheck } from '../../src/detect/probe/judge.ts'
import type { CompiledCheck } from '../../src/detect/probe/probe-rule.ts'
import type { ContentIssue } from '../../src/shared/content-issue.ts'
import type { ProbeResponse } from '../../src/shared/probe.ts'
import { type CaseRecord, type Cond, DASH_CASE } from './cases.ts'
import { runConditionCases } from './run-cases.ts'

function raw(c: Cond): unknown {
  if ('all' in c) return { all: c.all.map(raw) }
  if ('any' in c) return { any: c.any.map(raw) }
  if ('none' in c) return { none: c.none.map(raw) }
  if ('not' in c) return { not: raw(c.not) }
  const name = `x-case-${c.field}`
  if ('exists' in c) return { part: 'header', name, exists: c.exists }
  return {
    part: 'header',
    name,
    [c.op]: c.value,
    ...(c.case ? { case: 'sensitive' } : {}),
  }
}

runConditionCases({
  name: 'probe matchers',
  atLeast: 37,
  unsupported(c) {
    if (c.name === DASH_CASE)
      return "HTTP headers have no '-' for empty: a header holding '-' is present (only a missing or empty header is absent)"
    return undefined
  },
  compile(when, name) {
    const file = 'probe/exh-probe-condition-case.yml'
    const issues: ContentIssue[] = []
    const rule = compileProbeRule(
      {
        id: 'exh-probe-condition-case',
        title: name,
        kind: 'check',
        'run-level': 'safe',
        level: 'info',
        proves: 'context',
        references: ['https://example.org/condition-cases'],
        requests: [{ id: 'case', method: 'GET', path: '/' }],
        outcomes: [{ outcome: 'vulnerable', when: raw(when), evidence: 'the condition holds' }],
        tests: [{ name: 'compiles', answers: { case: { status: 200 } }, outcome: 'inconclusive' }],
      },
      file,
      issues,
    )
    const errors = issues.filter((i) => i.severity === 'error')
    if (!rule || errors.length > 0) throw new Error(`rule refused: ${JSON.stringify(errors)}`)
    const check = rule as CompiledCheck
    const ctx = matchContext([], false)
    return (fields: CaseRecord['fields']) => {
      const headers: Record<string, string> = {}
      if (fields.a !== undefined) headers['x-case-a'] = fields.a
      if (fields.b !== undefined) headers['x-case-b'] = fields.b
      const r: ProbeResponse = {
        id: 'case',
        status: 200,
        headers,
        body: '',
        bodyTruncated: false,
        ms: 1,
      }
      return runCheck(check, new Map([['case', r]]), ctx).outcome === 'vulnerable'
    }
  },
})
