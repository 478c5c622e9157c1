import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  finding,
  IP_A,
  IP_B,
  IP_SHELL,
  proxyLogonFindings,
} from '../report/fixtures.test-helper.ts'
import { buildTimeline } from './timeline.ts'

const ind = (ips: string[]) => ({ ips, users: [], paths: [], userAgents: [] })

describe('buildTimeline', () => {
  test('actors and phases ordered by first time, untimed last', () => {
    const t = buildTimeline(proxyLogonFindings())
    const firsts = t.map((e) => e.first).filter(Boolean)
    assert.deepEqual(firsts, [...firsts].sort())
    assert.equal(t.at(-1)?.key, 'credential-access')
    assert.equal(t.at(-1)?.first, '')
    const actors = t.filter((e) => e.kind === 'actor').map((e) => e.key)
    assert.deepEqual(actors, [IP_B, IP_A, '45.77.252.175', IP_SHELL])
  })

  test('counts folded events, keeps the worst severity, lists rules once', () => {
    const t = buildTimeline(proxyLogonFindings())
    const shell = t.find((e) => e.kind === 'actor' && e.key === IP_SHELL)
    assert.equal(shell?.count, 53)
    assert.equal(shell?.first, '2021-03-05T10:00:00.000Z')
    assert.equal(shell?.last, '2021-03-05T19:03:00.000Z')
    assert.deepEqual(shell?.rules, ['webshell-request-aspnet-client'])
    const b = t.find((e) => e.kind === 'actor' && e.key === IP_B)
    assert.equal(b?.severity, 'critical')
    assert.deepEqual(b?.rules.sort(), ['proxylogon-ssrf-cookie', 'recon-autodiscover-enum'])
  })

  test('info findings stay out; untimed findings do not move times; ids are capped at 20, oldest first', () => {
    const fs = [
      finding({
        rule: 'noise',
        severity: 'info',
        time: '2020-01-01T00:00:00Z',
        indicators: ind(['10.0.0.1']),
      }),
      finding({ rule: 'a', severity: 'high', phase: 'execution', indicators: ind(['10.0.0.2']) }),
      ...Array.from({ length: 25 }, (_, i) =>
        finding({
          id: `x${String(24 - i).padStart(2, '0')}`,
          rule: 'a',
          severity: 'high',
          phase: 'execution',
          time: `2021-03-03T06:${String(59 - i).padStart(2, '0')}:00Z`,
          indicators: ind(['10.0.0.2']),
        }),
      ),
    ]
    const t = buildTimeline(fs)
    assert.equal(
      t.find((e) => e.key === '10.0.0.1'),
      undefined,
    )
    const ex = t.find((e) => e.kind === 'phase' && e.key === 'execution')
    assert.equal(ex?.first, '2021-03-03T06:35:00Z')
    assert.equal(ex?.count, 26)
    assert.equal(ex?.findings.length, 20)
    assert.equal(ex?.findings[0], 'x00')
  })

  test('phase falls back to the category when the rule names none', () => {
    const t = buildTimeline([
      finding({ rule: 'w', category: 'webshell', time: '2021-03-03T00:00:00Z' }),
    ])
    assert.deepEqual(
      t.map((e) => [e.kind, e.key]),
      [['phase', 'persistence']],
    )
  })
})
