import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { makeRule } from '../../../test/helpers/native-rule.ts'
import type { Finding, LogRecord } from '../../shared/types.ts'
import { compileRules } from './compile.ts'
import { type AggregateObservation, createMatcher, finishAggregates } from './match.ts'

function rec(
  line: number,
  fields: Record<string, string>,
  views: Partial<LogRecord> = {},
): LogRecord {
  return {
    logType: 'httpproxy',
    fields,
    path: 'HttpProxy/Ecp/HttpProxy_2021030201-1.LOG',
    line,
    raw: Object.values(fields).join(','),
    ...views,
  }
}

function run(rules: ReturnType<typeof makeRule>[], records: LogRecord[], max?: number) {
  const { set } = compileRules(rules)
  const m = createMatcher(set, { maxFindingsPerRule: max })
  const found: Finding[] = []
  for (const r of records) m.match(r, (f) => found.push(f))
  return { set, found, observations: m.takeObservations(), matcher: m }
}

const SSRF = {
  outcome: {
    default: 'attempt',
    success: { field: 'httpstatus', in: ['200', '241'] },
    'level-if-attempt': 'medium',
  },
  fields: ['anchormailbox', 'httpstatus', 'nosuch'],
  references: ['https://example.org/first', 'https://example.org/second'],
  author: 'exhunt',
  phase: 'initial-access',
  classification: { cves: ['CVE-2021-26855'], attack: ['T1190'] },
}

describe('createMatcher', () => {
  test('builds a complete finding with outcome, severity, indicators and attribution', () => {
    const { found } = run(
      [makeRule('exh-ssrf', SSRF)],
      [
        rec(
          7,
          { anchormailbox: 'ServerInfo~x/ecp/y', httpstatus: '241' },
          {
            ip: '203.0.113.5',
            user: 'CONTOSO\\eve',
            urlPath: '/ecp/y.js',
            userAgent: 'python',
            time: '2021-03-02T23:10:11Z',
          },
        ),
        rec(8, { anchormailbox: 'ServerInfo~x/ecp/y', httpstatus: '500' }),
        rec(9, { anchormailbox: 'smtp:alice@contoso.com', httpstatus: '200' }),
      ],
    )
    assert.equal(found.length, 2)
    const [a, b] = found as [Finding, Finding]
    assert.match(a.id, /^[0-9a-f]{16}$/)
    assert.notEqual(a.id, b.id)
    assert.deepEqual(
      { ...a, id: 'x' },
      {
        id: 'x',
        rule: 'exh-ssrf',
        title: 'rule exh-ssrf',
        severity: 'high',
        category: 'exploitation',
        outcome: 'success',
        proves: 'compromise',
        phase: 'initial-access',
        cves: ['CVE-2021-26855'],
        attack: ['T1190'],
        time: '2021-03-02T23:10:11Z',
        source: { path: 'HttpProxy/Ecp/HttpProxy_2021030201-1.LOG', line: 7 },
        indicators: {
          ips: ['203.0.113.5'],
          users: ['CONTOSO\\eve'],
          paths: ['/ecp/y.js'],
          userAgents: ['python'],
        },
        evidence: 'ServerInfo~x/ecp/y,241',
        ruleSource: {
          engine: 'native',
          file: 'rules/native/t/exh-ssrf.yml',
          author: 'exhunt',
          url: 'https://example.org/first',
        },
        fields: { anchormailbox: 'ServerInfo~x/ecp/y', httpstatus: '241' },
        matched: ['anchormailbox', 'httpstatus'],
      },
    )
    assert.equal(b.outcome, 'attempt')
    assert.equal(b.severity, 'medium')
  })

  test("fields start with the ones that matched, then the rule's list, time last", () => {
    const { found } = run(
      [
        makeRule('exh-ssrf', {
          ...SSRF,
          fields: ['datetime', 'clientipaddress', 'urlhost', 'urlstem', 'anchormailbox'],
        }),
      ],
      [
        rec(7, {
          datetime: '2021-03-03T06:10:05.402Z',
          clientipaddress: '104.140.114.110',
          urlhost: 'mail.contoso.com',
          urlstem: '/ecp/y.js',
          anchormailbox: 'ServerInfo~a]@exch01:444/mapi/emsmdb/?#',
          httpstatus: '200',
        }),
      ],
    )
    const f = found[0] as Finding
    assert.deepEqual(Object.keys(f.fields ?? {}), [
      'anchormailbox',
      'httpstatus',
      'clientipaddress',
      'urlhost',
      'urlstem',
      'datetime',
    ])
    assert.deepEqual(f.matched, ['anchormailbox', 'httpstatus'])
  })

  test('finding ids are stable across runs', () => {
    const once = () =>
      run([makeRule('exh-ssrf')], [rec(3, { anchormailbox: 'ServerInfo~a/b' })]).found[0]!.id
    assert.equal(once(), once())
  })

  test('evidence is cut at 2,000 characters', () => {
    const { found } = run(
      [makeRule('exh-ssrf')],
      [rec(1, { anchormailbox: `ServerInfo~${'x'.repeat(5000)}` })],
    )
    assert.equal(found[0]!.evidence.length, 2000)
  })

  test('subtype filters records case-insensitively; records of other types are ignored', () => {
    const rules = [makeRule('exh-ecp', { subtype: ['Ecp'] })]
    const f = { anchormailbox: 'ServerInfo~a/b' }
    assert.equal(run(rules, [rec(1, f, { subtype: 'ECP' })]).found.length, 1)
    assert.equal(run(rules, [rec(1, f, { subtype: 'Owa' })]).found.length, 0)
    assert.equal(run(rules, [rec(1, f)]).found.length, 0)
    assert.equal(run(rules, [rec(1, f, { subtype: 'Ecp', logType: 'iis' })]).found.length, 0)
  })

  test('folds hits past the per-rule cap into the last finding of the same ip', () => {
    const records: LogRecord[] = []
    for (let i = 1; i <= 10; i++) {
      records.push(
        rec(
          i,
          { anchormailbox: 'ServerInfo~a/b' },
          { ip: i % 2 ? '198.51.100.1' : '198.51.100.2' },
        ),
      )
    }
    records.push(rec(11, { anchormailbox: 'ServerInfo~a/b' }, { ip: '192.0.2.99' }))
    const { found } = run([makeRule('exh-ssrf'), makeRule('exh-other')], records, 3)
    const ssrf = found.filter((f) => f.rule === 'exh-ssrf')
    assert.equal(ssrf.length, 3)
    assert.equal(found.length, 6, 'each rule has its own cap')
    // Kept: lines 1 (ip .1), 2 (.2), 3 (.1). Folded: 5,7,9 → line 3; 4,6,8,10 → line 2; 11 (new ip) → last kept.
    assert.deepEqual(
      ssrf.map((f) => [f.source.line, f.folded ?? 0]),
      [
        [1, 0],
        [2, 4],
        [3, 4],
      ],
    )
  })
})

describe('aggregates', () => {
  const scan = makeRule('exh-scan', {
    match: { field: 'urlstem', startswith: '/ecp/' },
    aggregate: { by: 'ip', distinct: 'urlstem', min: 3, window: '10m' },
  })
  const hit = (line: number, ip: string, stem: string, time?: string) =>
    rec(line, { urlstem: stem }, { ip, urlPath: stem, ...(time ? { time } : {}) })

  test('aggregate rules emit no finding per line, only compact observations (distinct values once)', () => {
    const { found, observations, matcher } = run(
      [scan],
      [
        hit(1, '192.0.2.1', '/ecp/a', '2021-03-02T10:00:00Z'),
        hit(2, '192.0.2.1', '/ECP/A', '2021-03-02T10:00:01Z'),
        hit(3, '192.0.2.1', '/owa/', '2021-03-02T10:00:02Z'),
      ],
    )
    assert.equal(found.length, 0)
    assert.deepEqual(
      observations.map((o) => [o.key, o.value, o.line]),
      [['192.0.2.1', '/ecp/a', 1]],
    )
    assert.deepEqual(matcher.takeObservations(), [], 'taking clears them')
  })

  test('fires once per group reaching min inside the window, listing the distinct values', () => {
    const t = (m: number) => `2021-03-02T10:${String(m).padStart(2, '0')}:00Z`
    const records = [
      // 192.0.2.1: 3 distinct paths but spread over 30 minutes → no finding.
      hit(1, '192.0.2.1', '/ecp/a', t(0)),
      hit(2, '192.0.2.1', '/ecp/b', t(15)),
      hit(3, '192.0.2.1', '/ecp/c', t(30)),
      // 192.0.2.2: 4 distinct paths, three of them within 10 minutes.
      hit(4, '192.0.2.2', '/ecp/a', t(0)),
      hit(5, '192.0.2.2', '/ecp/b', t(20)),
      hit(6, '192.0.2.2', '/ecp/c', t(25)),
      hit(7, '192.0.2.2', '/ecp/d', t(29)),
    ]
    const { set, observations } = run([scan], records)
    // Observations arrive from several workers in any order.
    const findings = finishAggregates(set, [...observations].reverse())
    assert.equal(findings.length, 1)
    const f = findings[0]!
    assert.equal(f.rule, 'exh-scan')
    assert.equal(f.time, t(20))
    assert.deepEqual(f.source, { path: records[0]!.path, line: 5 })
    assert.deepEqual(f.indicators.ips, ['192.0.2.2'])
    assert.deepEqual(f.indicators.paths, ['/ecp/b', '/ecp/c', '/ecp/d'])
    assert.deepEqual(f.reasons, [
      '3 distinct urlstem values from ip 192.0.2.2 within 10m (min 3)',
      'urlstem: /ecp/b',
      'urlstem: /ecp/c',
      'urlstem: /ecp/d',
    ])
  })

  test('without a window, the distinct count alone decides', () => {
    const noWindow = makeRule('exh-scan', {
      match: { field: 'urlstem', startswith: '/ecp/' },
      aggregate: { by: 'ip', distinct: 'urlstem', min: 2 },
    })
    const { set } = compileRules([noWindow])
    const obs: AggregateObservation[] = [
      { rule: 'exh-scan', key: 'k', value: '/ecp/a', path: 'p', line: 1, raw: 'r1' },
      { rule: 'exh-scan', key: 'k', value: '/ecp/a', path: 'p', line: 2, raw: 'r2' },
      { rule: 'exh-scan', key: 'j', value: '/ecp/a', path: 'p', line: 3, raw: 'r3' },
      { rule: 'exh-scan', key: 'k', value: '/ecp/b', path: 'p', line: 4, raw: 'r4' },
      { rule: 'exh-unknown', key: 'k', value: '/x', path: 'p', line: 5, raw: 'r5' },
    ]
    const f = finishAggregates(set, obs)
    assert.deepEqual(
      f.map((x) => [x.fields, x.source.line, x.evidence]),
      [[{ ip: 'k' }, 1, 'r1']],
    )
  })

  test('keeps at most 200 distinct values per rule and key', () => {
    const records = Array.from({ length: 500 }, (_, i) => hit(i + 1, '192.0.2.9', `/ecp/${i}`))
    assert.equal(run([scan], records).observations.length, 200)
  })
})

describe('actors', () => {
  test('the server talking to itself (c-ip = s-ip, loopback) is not an attacker IP', () => {
    const rule = makeRule('exh-ddi', { source: 'iis' })
    const iis = (cIp: string, sIp: string) =>
      rec(
        1,
        { 's-ip': sIp, 'c-ip': cIp, anchormailbox: 'ServerInfo~x/ecp/y' },
        { ip: cIp, logType: 'iis' },
      )
    const { found } = run(
      [rule],
      [iis('10.0.0.5', '10.0.0.5'), iis('127.0.0.1', '10.0.0.5'), iis('203.0.113.9', '10.0.0.5')],
    )
    assert.deepEqual(
      found.map((f) => f.indicators.ips),
      [[], [], ['203.0.113.9']],
    )
  })
})
