// The Sigma loader on a content folder written here: a good rule, broken ones (each a ContentIssue and
// dropped), valid Sigma this engine does not run (skipped, with the reason), the proves table and the
// noisy list, and our own rules with their inline tests.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadSigma } from './load-sigma.ts'
import { runSigmaRuleTests } from './rule-tests.ts'

const root = mkdtempSync(join(tmpdir(), 'exhunt-sigma-'))
after(() => rmSync(root, { recursive: true, force: true }))

function put(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), text)
}

const rule = (id: string, detection: string, extra = '') => `title: Rule ${id}
id: ${id}
status: test
author: Someone
tags:
    - attack.execution
    - attack.t1059.001
    - cve.2021-26857
references:
    - https://example.org/${id}
logsource:
    product: windows
    category: process_creation
detection:
${detection}
level: high
${extra}`

put('rules/vendor/sigma/sources.yml', 'url: https://example.org/sigma/{path}\nlicense: DRL-1.1\n')
const V = 'rules/vendor/sigma/rules/windows'
put(
  `${V}/good_rule.yml`,
  rule(
    '11111111-1111-1111-1111-111111111111',
    `    selection:\n        Image|endswith: '\\cmd.exe'\n    condition: selection`,
  ),
)
put(
  `${V}/broken_condition.yml`,
  rule(
    '22222222-2222-2222-2222-222222222222',
    `    selection:\n        Image: x\n    condition: selection and missing`,
  ),
)
put(
  `${V}/broken_regex.yml`,
  rule(
    '33333333-3333-3333-3333-333333333333',
    `    selection:\n        Image|re: '(?<=x)y'\n    condition: selection`,
  ),
)
put(
  `${V}/no_policy.yml`,
  rule(
    '44444444-4444-4444-4444-444444444444',
    `    selection:\n        Image: x\n    condition: selection`,
  ),
)
put(
  `${V}/aggregation.yml`,
  rule(
    '55555555-5555-5555-5555-555555555555',
    `    selection:\n        Image: x\n    condition: selection | count() by Computer > 5`,
  ),
)
put(
  `${V}/collection.yml`,
  `${rule('66666666-6666-6666-6666-666666666666', `    selection:\n        Image: x\n    condition: selection`)}\n---\ntitle: second\n`,
)
put(
  `${V}/noisy_rule.yml`,
  rule(
    '77777777-7777-7777-7777-777777777777',
    `    selection:\n        Image: x\n    condition: selection`,
  ),
)
put(`${V}/not_yaml.yml`, 'title: [unclosed\n')
put(
  'rules/sigma/vendored-proves.yml',
  `- rules: [good_rule, 'broken_*', aggregation, collection, noisy_rule, not_yaml]
  proves: compromise
  category: post-exploitation
  reason: a reviewed reason for these test rules
`,
)
put(
  'rules/sigma/noisy.yml',
  '- rule: noisy_rule\n  reason: fires every day\n- rule: gone_rule\n  reason: no such rule\n',
)
put(
  'rules/sigma/exh-evt-own-rule.yml',
  `id: exh-evt-own-rule
title: Our rule
level: critical
category: exploitation
proves: attempt
references: [https://example.org/own]
logsource: { product: windows, service: application }
detection:
    selection:
        Provider_Name: MSExchange Unified Messaging
        Data|contains: System.InvalidCastException
    condition: selection
tests:
    positive:
        - { channel: Application, provider: MSExchange Unified Messaging, eventId: 100, data: ['x System.InvalidCastException y'] }
    negative:
        - { channel: Application, provider: MSExchange Unified Messaging, eventId: 100, data: ['fine'] }
`,
)
put(
  'rules/sigma/exh-evt-bad-test.yml',
  `id: exh-evt-bad-test
title: A rule whose test fails
level: low
category: context
proves: context
references: [https://example.org/own]
logsource: { product: windows, service: application }
detection:
    selection:
        Data|contains: needle
    condition: selection
tests:
    positive:
        - { channel: Application, eventId: 1, data: ['hay'] }
    negative:
        - { channel: Application, eventId: 1, data: ['hay'] }
`,
)
put(
  'rules/sigma/exh-evt-no-tests.yml',
  'id: exh-evt-no-tests\ntitle: x\nlevel: low\ncategory: context\nproves: context\nreferences: [https://example.org/x]\nlogsource: { product: windows, service: application }\ndetection: { s: { A: b }, condition: s }\n',
)
put(
  'mappings/sigma-windows.yml',
  `logsources:
  - when: { product: windows, category: process_creation }
    sources: [{ channel: Security, eventIds: [4688], fields: { Image: NewProcessName } }]
  - when: { product: windows, service: application }
    sources: [{ channel: Application }]
`,
)

describe('loadSigma', () => {
  const r = loadSigma(root)
  const errorsOf = (file: string) =>
    r.issues.filter((i) => i.severity === 'error' && i.file.endsWith(file)).map((i) => i.message)

  it('maps the Sigma header onto the shared one and keeps the attribution', () => {
    const good = r.sigma.rules.find((x) => x.file.endsWith('good_rule.yml'))!
    assert.equal(good.header.id, 'sigma:11111111-1111-1111-1111-111111111111')
    assert.equal(good.header.level, 'high')
    assert.equal(good.header.proves, 'compromise')
    assert.equal(good.header.category, 'post-exploitation')
    assert.deepEqual(good.header.attack, ['T1059.001'])
    assert.deepEqual(good.header.cves, ['CVE-2021-26857'])
    assert.equal(good.header.author, 'Someone')
    assert.equal(good.header.license, 'DRL-1.1')
    assert.equal(good.url, 'https://example.org/sigma/rules/windows/good_rule.yml')
    assert.equal(good.phase, 'execution')
  })
  it('a broken rule is an error and dropped', () => {
    assert.match(errorsOf('broken_condition.yml').join(), /lacks/)
    assert.match(errorsOf('broken_regex.yml').join(), /RE2/)
    assert.match(errorsOf('no_policy.yml').join(), /every vendored rule needs its proves/)
    assert.match(errorsOf('not_yaml.yml').join(), /not valid YAML/)
    for (const f of ['broken_condition', 'broken_regex', 'no_policy', 'not_yaml'])
      assert.ok(!r.sigma.rules.some((x) => x.file.includes(f)), f)
  })
  it('valid Sigma it does not run is skipped with the reason, never dropped silently', () => {
    const why = (f: string) => r.skipped.find((s) => s.file.endsWith(f))?.reason ?? ''
    assert.match(why('aggregation.yml'), /aggregation/)
    assert.match(why('collection.yml'), /several YAML documents/)
    assert.match(why('noisy_rule.yml'), /noisy: fires every day/)
    assert.ok(
      r.issues.some(
        (i) => i.severity === 'warning' && i.message.includes("'gone_rule' names no vendored"),
      ),
    )
  })
  it('our own rules: the shared header, inline tests run through the engine', () => {
    assert.ok(r.sigma.rules.some((x) => x.header.id === 'exh-evt-own-rule'))
    assert.match(errorsOf('exh-evt-no-tests.yml').join(), /tests/)
    const t = runSigmaRuleTests(r.sigma, r.tests)
    assert.equal(t.run, 4)
    assert.deepEqual(t.failures, [
      'rules/sigma/exh-evt-bad-test.yml: tests.positive[0] does not match (it should)',
    ])
  })
  it('a missing mapping is a clear error, not a crash', () => {
    const empty = mkdtempSync(join(tmpdir(), 'exhunt-sigma-empty-'))
    try {
      const e = loadSigma(empty)
      assert.ok(
        e.issues.some(
          (i) => i.file === 'mappings/sigma-windows.yml' && /cannot read/.test(i.message),
        ),
      )
      assert.equal(e.sigma.rules.length, 0)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })
})
