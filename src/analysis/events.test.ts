import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { finding } from '../report/fixtures.test-helper.ts'
import type { Finding } from '../shared/types.ts'
import { correlate } from './correlate.ts'
import { countEvents } from './events.ts'
import { groupByRule } from './group.ts'
import { buildTimeline } from './timeline.ts'

const IP = '104.140.114.110'
const IIS = 'C/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log'
const PROXY =
  'C/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Ecp/HttpProxy_2021030306-1.LOG'

function at(path: string, line: number, time: string, rule: string, url = '/ecp/y.js'): Finding {
  return finding({
    rule,
    time,
    source: { path, line },
    indicators: { ips: [IP], users: [], paths: [url], userAgents: [] },
  })
}

function actorCount(findings: Finding[]): number | undefined {
  return buildTimeline(findings).find((t) => t.kind === 'actor' && t.key === IP)?.count
}

describe('events are requests, not findings', () => {
  test('one line that fires a rule and two IOCs is one event', () => {
    const fs = correlate([
      at(PROXY, 12, '2021-03-03T06:10:05.402Z', 'exh-httpproxy-proxylogon-ssrf'),
      at(PROXY, 12, '2021-03-03T06:10:05.402Z', `ioc:ipv4:${IP}`),
      at(PROXY, 12, '2021-03-03T06:10:05.402Z', 'ioc:user_agent:exchangeservicesclient/0.0.0.0'),
    ])
    assert.equal(actorCount(fs), 1)
    assert.equal(buildTimeline(fs).find((t) => t.kind === 'phase')?.count, 1)
    assert.equal(new Set(fs.map((f) => f.event)).size, 1)
    assert.equal(fs[0]?.event, `${PROXY}:12`)
  })

  test('the same request in IIS and HttpProxy is one event, and the two are linked', () => {
    const fs = correlate([
      at(IIS, 40, '2021-03-03T06:10:05Z', `ioc:ipv4:${IP}`),
      at(PROXY, 12, '2021-03-03T06:10:05.402Z', 'exh-httpproxy-proxylogon-ssrf'),
      at(PROXY, 12, '2021-03-03T06:10:05.402Z', `ioc:ipv4:${IP}`),
    ])
    assert.equal(actorCount(fs), 1)
    const [iis, proxy] = fs
    assert.equal(iis?.event, proxy?.event)
    assert.ok(iis?.related?.includes(proxy?.id as string))
    assert.ok(proxy?.related?.includes(iis?.id as string))
    // The IOC rule fired on both logs: one request for that rule too.
    const ioc = groupByRule(fs).find((g) => g.rule === `ioc:ipv4:${IP}`)
    assert.equal(ioc?.count, 1)
    assert.equal(ioc?.findings.length, 2)
  })

  test('requests apart in time, to another URL or in the same file stay separate events', () => {
    const fs = correlate([
      at(IIS, 40, '2021-03-03T06:10:05Z', `ioc:ipv4:${IP}`),
      at(PROXY, 12, '2021-03-03T06:10:05.402Z', `ioc:ipv4:${IP}`),
      // next request 4 s later: its own pair
      at(IIS, 41, '2021-03-03T06:10:09Z', `ioc:ipv4:${IP}`),
      at(PROXY, 13, '2021-03-03T06:10:09.751Z', `ioc:ipv4:${IP}`),
      // same second, other URL: not the same request
      at(PROXY, 14, '2021-03-03T06:10:09.900Z', `ioc:ipv4:${IP}`, '/owa/auth/x.js'),
      // same URL within 2 s but in the same file: two requests
      at(PROXY, 15, '2021-03-03T06:10:10.100Z', `ioc:ipv4:${IP}`),
    ])
    assert.equal(actorCount(fs), 4)
    // one IIS line joins one HttpProxy line at most, the nearest
    assert.equal(fs[2]?.event, fs[3]?.event)
    assert.notEqual(fs[5]?.event, fs[3]?.event)
  })

  test('folded repeats still count; file findings are their own event', () => {
    const shell = finding({
      rule: 'yara:x',
      category: 'webshell',
      source: { path: 'C/inetpub/wwwroot/aspnet_client/a.aspx' },
      indicators: { ips: [IP], users: [], paths: [], userAgents: [] },
      file: { size: 1, sha256: 'a', sha1: 'b', md5: 'c' },
    })
    const a = { ...at(PROXY, 20, '2021-03-03T07:00:00Z', 'r1'), folded: 9 }
    const b = at(PROXY, 20, '2021-03-03T07:00:00Z', 'r2')
    assert.equal(countEvents(correlate([shell, a, b])), 11)
  })
})

describe('events on the demo evidence', () => {
  test('104.140.114.110 sent 6 requests, logged by IIS and HttpProxy: 6 events, not 67 findings', async () => {
    const { hunt } = await import('../hunt/run.ts')
    const { REPO_ROOT } = await import('../../test/helpers/corpus.ts')
    const { join } = await import('node:path')
    const report = await hunt({
      input: join(REPO_ROOT, 'demo', 'evidence'),
      only: ['logs'],
      workers: 2,
    })
    const mine = report.findings.filter((f) => f.indicators.ips.includes(IP))
    assert.ok(mine.length > 30)
    const actor = report.timeline.find((t) => t.kind === 'actor' && t.key === IP)
    assert.equal(actor?.count, 6)
  })
})
