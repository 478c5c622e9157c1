// The probe rule compiler refuses what a probe must never send and what cannot work (a broken check is
// dropped and reported), and `exhunt content lint` catches a broken probe file and a failing inline test.
import assert from 'node:assert/strict'
import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { lintAllContent } from '../../content/lint-all.ts'
import type { ContentIssue } from '../../shared/content-issue.ts'
import { compileProbeRule, compileProbeRules } from './compile-rules.ts'
import { challengeHeader, isAnonymousNegotiate, parseChallenge } from './ntlm.ts'

const CONTENT = join(import.meta.dirname, '../../../content')

function check(over: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'exh-probe-x',
    title: 'x',
    kind: 'check',
    'run-level': 'safe',
    level: 'high',
    proves: 'context',
    references: ['https://example.org/x'],
    requests: [{ id: 'chk-x', method: 'GET', path: '/owa/auth/x.js' }],
    outcomes: [{ outcome: 'vulnerable', when: { status: 200 }, evidence: 'x' }],
    tests: [{ name: 't', answers: { 'chk-x': { status: 200 } }, outcome: 'vulnerable' }],
    ...over,
  }
}

function problems(doc: Record<string, unknown>): string[] {
  const issues: ContentIssue[] = []
  const r = compileProbeRule(doc, 'probe/exh-probe-x.yml', issues)
  const errors = issues.filter((i) => i.severity === 'error')
  assert.equal(r === undefined, errors.length > 0, 'a rule with an error is dropped')
  return errors.map((i) => `${i.path}: ${i.message}`)
}

describe('probe rule compiler', () => {
  test('a sound check compiles', () => assert.deepEqual(problems(check({})), []))
  test('a bad re2 regex is refused with its field', () => {
    const p = problems(
      check({
        outcomes: [
          { outcome: 'vulnerable', when: { part: 'body', regex: '(?=x)' }, evidence: 'x' },
        ],
      }),
    )
    assert.ok(
      p.some((m) => m.startsWith('outcomes[0].when') && /re2/.test(m)),
      p.join('\n'),
    )
  })
  test('never the PowerShell endpoint, not even through a path confusion', () => {
    const p = problems(
      check({
        requests: [
          {
            id: 'chk-x',
            method: 'GET',
            path: '/autodiscover/autodiscover.json?@x/PowerShell/?X-Rps-CAT=x',
          },
        ],
      }),
    )
    assert.ok(
      p.some((m) => /PowerShell/.test(m)),
      p.join('\n'),
    )
    assert.ok(problems(check({ requests: [{ id: 'chk-x', path: '/powershell/' }] })).length > 0)
  })
  test('no credentials: Basic is refused, an anonymous NTLM NEGOTIATE is allowed', () => {
    const basic = { id: 'chk-x', path: '/', headers: { Authorization: 'Basic dXNlcjpwYXNz' } }
    assert.ok(problems(check({ requests: [basic] })).some((m) => /credentials/.test(m)))
    const t1 = {
      id: 'chk-x',
      path: '/',
      headers: { Authorization: 'NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAA=' },
    }
    assert.deepEqual(problems(check({ requests: [t1] })), [])
  })
  test('a POST needs its body, a GET has none', () => {
    assert.ok(
      problems(check({ requests: [{ id: 'chk-x', method: 'POST', path: '/' }] })).length > 0,
    )
    assert.ok(problems(check({ requests: [{ id: 'chk-x', method: 'PUT', path: '/' }] })).length > 0)
  })
  test('unknown outcome, missing evidence, missing tests, unknown request, bad id', () => {
    assert.ok(
      problems(check({ outcomes: [{ outcome: 'pwned', when: { status: 200 }, evidence: 'x' }] }))
        .length > 0,
    )
    assert.ok(
      problems(check({ outcomes: [{ outcome: 'vulnerable', when: { status: 200 } }] })).length > 0,
    )
    assert.ok(problems(check({ tests: undefined })).some((m) => m.startsWith('tests')))
    assert.ok(
      problems(
        check({
          outcomes: [
            { outcome: 'vulnerable', request: 'nope', when: { status: 200 }, evidence: 'x' },
          ],
        }),
      ).length > 0,
    )
    assert.ok(problems(check({ id: 'exh-x' })).some((m) => m.startsWith('id')))
    assert.ok(problems(check({ requests: [{ id: 'shell-1', path: '/' }] })).length > 0)
  })
  test('two rules may not share a request id; the second is dropped', () => {
    const a = { file: 'probe/exh-probe-a.yml', doc: check({ id: 'exh-probe-a' }) }
    const b = { file: 'probe/exh-probe-b.yml', doc: check({ id: 'exh-probe-b' }) }
    const r = compileProbeRules([a, b])
    assert.equal(r.rules.length, 1)
    assert.ok(r.issues.some((i) => i.file === b.file && /also used by exh-probe-a/.test(i.message)))
  })
})

describe('NTLM', () => {
  test('the challenge names the server; a NEGOTIATE with a domain is not anonymous', () => {
    const h = challengeHeader({
      netbiosComputer: 'EX1',
      netbiosDomain: 'CORP',
      dnsComputer: 'ex1.corp.test',
      dnsDomain: 'corp.test',
    })
    const c = parseChallenge(`Negotiate, ${h}`)
    assert.equal(c?.netbiosComputer, 'EX1')
    assert.equal(c?.dnsComputer, 'ex1.corp.test')
    assert.equal(c?.osVersion, '10.0.17763')
    assert.equal(parseChallenge('NTLM not-base64!'), undefined)
    assert.equal(parseChallenge(`NTLM ${'A'.repeat(60)}`), undefined)
    // A type 1 whose domain field has a length names someone.
    const named = btoa(
      String.fromCharCode(
        ...[...'NTLMSSP\0'].map((c) => c.charCodeAt(0)),
        1,
        0,
        0,
        0,
        7,
        130,
        8,
        162,
        4,
        0,
        4,
        0,
        32,
        0,
        0,
        0,
        ...new Array(8).fill(0),
        65,
        66,
        67,
        68,
      ),
    )
    assert.equal(isAnonymousNegotiate(`NTLM ${named}`), false)
    assert.equal(isAnonymousNegotiate('NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAA='), true)
  })
})

describe('content lint on probe rules', () => {
  test('the shipped probe rules lint clean and their inline tests pass', () => {
    const r = lintAllContent(CONTENT)
    assert.equal(r.counts.probeRules, 8)
    assert.deepEqual(
      r.issues.filter((i) => i.file.startsWith('probe/')),
      [],
    )
    assert.deepEqual(
      r.tests.failures.filter((f) => f.startsWith('probe/')),
      [],
    )
  })
  test('lint catches a broken check and a check whose test fails', () => {
    const root = tmpDir()
    cpSync(CONTENT, root, { recursive: true })
    writeFileSync(
      join(root, 'probe', 'exh-probe-broken.yml'),
      `id: exh-probe-broken
title: broken
kind: check
run-level: safe
level: high
proves: context
references: [https://example.org/x]
requests:
  - { id: chk-broken, method: GET, path: /x }
outcomes:
  - { outcome: vulnerable, when: { part: body, regex: '(?<=x)y' }, evidence: x }
tests:
  - { name: t, answers: { chk-broken: { status: 200 } }, outcome: vulnerable }
`,
    )
    writeFileSync(
      join(root, 'probe', 'exh-probe-wrong.yml'),
      `id: exh-probe-wrong
title: wrong test
kind: check
run-level: safe
level: high
proves: context
references: [https://example.org/x]
requests:
  - { id: chk-wrong, method: GET, path: /x }
outcomes:
  - { outcome: vulnerable, when: { status: 500 }, evidence: x }
tests:
  - { name: says 200 is vulnerable, answers: { chk-wrong: { status: 200 } }, outcome: vulnerable }
`,
    )
    const r = lintAllContent(root)
    const broken = r.issues.filter(
      (i) => i.file === 'probe/exh-probe-broken.yml' && i.severity === 'error',
    )
    assert.ok(
      broken.some((i) => /re2/.test(i.message)),
      JSON.stringify(broken),
    )
    assert.equal(r.counts.probeRules, 9, 'the broken rule is dropped, the wrong one kept')
    assert.ok(
      r.tests.failures.some((f) =>
        f.startsWith('probe/exh-probe-wrong.yml: says 200 is vulnerable'),
      ),
    )
  })
})
