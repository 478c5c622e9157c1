// The probe engine against recorded answers (test/fixtures/probe/*.json, written from the public
// descriptions each fixture names): the session loop as the network side drives it, then the judgement.
// One fixture per family (2010, 2013, 2016, 2019, SE), patched and unpatched, three parts only, mitigated,
// a shell that answered, a server that says 200 to everything, not Exchange, and no answer at all.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadContent } from '../../content/load.ts'
import type { ProbeJudgement, ProbeLevel, ProbeRequest, ProbeResponse } from '../../shared/probe.ts'
import { compileProbe } from './index.ts'
import { type SampleAnswer, sampleResponse } from './probe-rule.ts'

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/probe')
const { content } = loadContent(join(import.meta.dirname, '../../../content'))
const probe = compileProbe(content.probe)

interface Fixture {
  description: string
  sources: string[]
  level: ProbeLevel
  answers: Record<string, SampleAnswer>
  expect: {
    verdict: string
    confidence?: string
    exchange: boolean
    build?: string
    parts?: number
    product?: string
    versionName?: string
    missing?: Record<string, string>
    missingAbsent?: string[]
    checks: Record<string, string>
    serverNames?: string[]
    reason?: string
    requests?: number
  }
}

/** Drives one session the way the network side does; answers come from the fixture. */
export function drive(
  answers: Record<string, SampleAnswer>,
  level: ProbeLevel,
): { judgement: ProbeJudgement; sent: ProbeRequest[] } {
  const s = probe.session(
    { input: 'mail.lab.test', scheme: 'https', host: '127.0.0.1', port: 443 },
    level,
  )
  const sent: ProbeRequest[] = []
  for (let round = 0; round < 10; round++) {
    const reqs = s.next()
    if (reqs.length === 0) break
    sent.push(...reqs)
    const rs: ProbeResponse[] = reqs.map((q) => {
      const a =
        answers[q.id] ??
        (q.id.startsWith('shell-control-') ? answers.control : answers[`shell:${q.path}`]) ??
        answers.default
      assert.ok(a, `the fixture has no answer for ${q.id} ${q.path}`)
      return sampleResponse(q.id, a)
    })
    s.feed(rs)
  }
  return { judgement: s.result(), sent }
}

describe('probe engine on recorded answers', () => {
  test('the shipped probe content compiles without issues', () => {
    assert.deepEqual(probe.issues, [])
    assert.equal(probe.rules, 8)
  })
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))
  test('there is a fixture per family and case', () => assert.ok(files.length >= 13))
  for (const f of files) {
    const fx = JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Fixture
    test(`${f}: ${fx.description}`, () => {
      assert.ok(fx.sources.length > 0, 'a fixture names its sources')
      const { judgement: j, sent } = drive(fx.answers, fx.level)
      const e = fx.expect
      assert.equal(j.verdict, e.verdict, j.reason)
      if (e.confidence) assert.equal(j.confidence, e.confidence, j.reason)
      assert.equal(j.exchange, e.exchange)
      assert.equal(j.build?.build, e.build)
      if (e.parts) assert.equal(j.build?.parts, e.parts)
      if (e.product) assert.equal(j.build?.product, e.product)
      if (e.versionName) assert.equal(j.build?.versionName, e.versionName)
      for (const [cve, certainty] of Object.entries(e.missing ?? {})) {
        const m = j.missing.find((x) => x.cve === cve)
        assert.ok(m, `${cve} missing`)
        assert.equal(m.certainty, certainty, cve)
      }
      for (const cve of e.missingAbsent ?? [])
        assert.ok(!j.missing.some((m) => m.cve === cve), `${cve} should not be missing`)
      const outcomes = Object.fromEntries(j.checks.map((c) => [c.id, c.outcome]))
      for (const [id, o] of Object.entries(e.checks))
        assert.equal(outcomes[id], o, `${id}: ${JSON.stringify(j.checks.find((c) => c.id === id))}`)
      if (Object.keys(e.checks).length === 0) assert.deepEqual(j.checks, [])
      if (e.serverNames) assert.deepEqual(j.serverNames, e.serverNames)
      if (e.reason) assert.match(j.reason, new RegExp(e.reason))
      if (e.requests !== undefined) assert.equal(sent.length, e.requests)
      // Every request the engine planned is harmless by construction.
      for (const q of sent) {
        assert.ok(q.method === 'GET', `${q.id} is a GET`)
        assert.ok(!/\/powershell(\/|$)/i.test(q.path.split('?')[0] as string), q.path)
        assert.ok(
          !/^NTLM\s+TlRMTVNTUAADA/.test(q.headers?.Authorization ?? ''),
          'never an NTLM AUTHENTICATE',
        )
      }
    })
  }
})
