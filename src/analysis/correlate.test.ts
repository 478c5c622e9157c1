import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  finding,
  IP_A,
  IP_B,
  IP_SHELL,
  proxyLogonFindings,
  SHELL_URL,
} from '../report/fixtures.test-helper.ts'
import { correlate } from './correlate.ts'

const ind = (ips: string[], paths: string[] = []) => ({ ips, users: [], paths, userAgents: [] })

describe('correlate', () => {
  test('the same findings in any arrival order give the same links (log workers finish in any order)', () => {
    const input = proxyLogonFindings()
    const byId = (fs: ReturnType<typeof correlate>) =>
      Object.fromEntries(fs.map((f) => [f.id, { related: f.related, outcome: f.outcome }]))
    const want = byId(correlate(input))
    assert.ok(Object.values(want).some((f) => (f.related?.length ?? 0) > 1))
    for (const order of [[...input].reverse(), [...input.slice(3), ...input.slice(0, 3)]]) {
      assert.deepEqual(byId(correlate(order)), want)
    }
  })

  test('an SSRF attempt followed by Set-OabVirtualDirectory from the same IP becomes success', () => {
    const ssrf = finding({
      rule: 'ssrf',
      outcome: 'attempt',
      time: '2021-03-03T06:00:00Z',
      indicators: ind(['1.2.3.4']),
    })
    const ecp = finding({
      rule: 'ecp-oab',
      title: 'Set-OabVirtualDirectory ExternalUrl script',
      outcome: 'success',
      time: '2021-03-03T06:00:05Z',
      indicators: ind(['1.2.3.4']),
    })
    const [s, e] = correlate([ssrf, ecp])
    assert.equal(s?.outcome, 'success')
    assert.deepEqual(s?.reasons, [
      'followed by Set-OabVirtualDirectory ExternalUrl script from the same IP at 2021-03-03T06:00:05Z',
    ])
    assert.deepEqual(s?.related, [ecp.id])
    assert.deepEqual(e?.related, [ssrf.id])
    assert.equal(ssrf.outcome, 'attempt', 'input is not mutated')
  })

  test('no upgrade from another IP, from an earlier follow-up, or from a failed shell request', () => {
    const ssrf = finding({
      rule: 'ssrf',
      outcome: 'attempt',
      time: '2021-03-03T06:00:00Z',
      indicators: ind(['1.2.3.4']),
    })
    const other = finding({
      rule: 'shell',
      category: 'webshell',
      outcome: 'success',
      time: '2021-03-03T07:00:00Z',
      indicators: ind(['9.9.9.9']),
    })
    const before = finding({
      rule: 'shell',
      category: 'webshell',
      outcome: 'success',
      time: '2021-03-03T05:00:00Z',
      indicators: ind(['1.2.3.4']),
    })
    const failed = finding({
      rule: 'shell',
      category: 'webshell',
      outcome: 'attempt',
      fields: { status: '404' },
      time: '2021-03-03T08:00:00Z',
      indicators: ind(['1.2.3.4']),
    })
    const out = correlate([ssrf, other, before, failed])
    assert.equal(out[0]?.outcome, 'attempt')
    assert.equal(out[0]?.reasons, undefined)
  })

  test('a web-shell request answered 200 upgrades; success is never downgraded', () => {
    const ssrf = finding({
      rule: 'ssrf',
      outcome: 'unknown',
      time: '2021-03-03T06:00:00Z',
      indicators: ind(['1.2.3.4']),
    })
    const hit = finding({
      rule: 'shell',
      category: 'webshell',
      outcome: 'unknown',
      fields: { 'sc-status': '200' },
      time: '2021-03-03T08:00:00Z',
      indicators: ind(['1.2.3.4']),
    })
    const ok = finding({ rule: 'ssrf', outcome: 'success', indicators: ind(['5.5.5.5']) })
    const out = correlate([ssrf, hit, ok])
    assert.equal(out[0]?.outcome, 'success')
    assert.equal(out[2]?.outcome, 'success')
  })

  test('links the shell file to the log requests of its URL and says who asked first', () => {
    const out = correlate(proxyLogonFindings())
    const file = out.find((f) => f.id === 'shellfile')
    assert.ok(file)
    const requests = out.filter((f) => f.indicators.paths.includes(SHELL_URL))
    assert.equal(requests.length, 12)
    for (const r of requests) assert.ok(r.related?.includes('shellfile'))
    assert.equal(file.related?.length, 12)
    assert.ok(file.reasons?.includes(`first requested 2021-03-05T10:00:00.000Z by ${IP_SHELL}`))
    assert.ok(file.reasons?.includes(`requested 53 times from 1 IP`))
  })

  test('Windows paths and zip entries match too; a different folder does not', () => {
    const file = finding({
      rule: 'ws',
      category: 'webshell',
      source: {
        path: 'ev.zip!C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\x.aspx',
      },
    })
    const hit = finding({
      rule: 'req',
      category: 'webshell',
      time: '2021-03-04T01:00:00Z',
      indicators: ind(['7.7.7.7'], ['/owa/auth/x.aspx']),
    })
    const miss = finding({
      rule: 'req',
      category: 'webshell',
      indicators: ind(['7.7.7.7'], ['/ecp/auth/x.aspx']),
    })
    const out = correlate([file, hit, miss])
    assert.deepEqual(out[0]?.related, [hit.id])
    assert.equal(out[2]?.related, undefined)
  })

  test('an IOC IP hit is linked to the exploitation findings of that IP', () => {
    const out = correlate(proxyLogonFindings())
    const ioc = out.find((f) => f.rule === 'ioc:ip')
    const ssrfA = out.filter(
      (f) => f.rule === 'proxylogon-ssrf-cookie' && f.indicators.ips.includes(IP_A),
    )
    for (const s of ssrfA) assert.ok(ioc?.related?.includes(s.id))
    const ssrfB = out.filter((f) => f.indicators.ips.includes(IP_B))
    for (const s of ssrfB) assert.ok(!ioc?.related?.includes(s.id))
  })

  test('the first IP_A SSRF (outcome unknown) is upgraded by the OAB ExternalUrl write', () => {
    const out = correlate(proxyLogonFindings())
    const first = out.find(
      (f) => f.time === '2021-03-03T06:12:01.482Z' && f.rule === 'proxylogon-ssrf-cookie',
    )
    assert.equal(first?.outcome, 'success')
    assert.match(first?.reasons?.[0] ?? '', /^followed by CVE-2021-27065: Set-OabVirtualDirectory/)
    const autodiscover = out.find((f) => f.fields?.AnchorMailbox?.includes('autodiscover'))
    assert.equal(autodiscover?.outcome, 'attempt')
  })
})
