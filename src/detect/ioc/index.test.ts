import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { loadIocs } from '../../content/ioc/load.ts'
import type { Finding, LogRecord } from '../../shared/types.ts'
import { FOLD_AFTER } from './fold.ts'
import { compileIocs } from './index.ts'
import { MAX_GATE_LITERALS } from './match-record.ts'
import type { Ioc } from './types.ts'

// The indicators and the allowlist of file names Exchange ships in the auth folders, as the hunt loads them.
const shipped = loadIocs(
  ['exchange-iocs.csv', 'exchange-known-good.csv'].map((f) => join(REPO_ROOT, 'content', 'ioc', f)),
  { user: false },
).iocs
const matcher = compileIocs(shipped)

function rec(p: Partial<LogRecord> & { fields?: Record<string, string> }): LogRecord {
  return { logType: 'iis', path: 'W3SVC1/u_ex210303.log', line: 7, raw: '', fields: {}, ...p }
}

function run(r: LogRecord, m = matcher): Finding[] {
  const out: Finding[] = []
  m.matchRecord(r, (f) => out.push(f))
  return out
}

function files(f: Parameters<typeof matcher.matchFile>[0], m = matcher): Finding[] {
  const out: Finding[] = []
  m.matchFile(f, (x) => out.push(x))
  return out
}

const user = (value: string, type: Ioc['type']): Ioc => ({
  value,
  type,
  origins: ['t'],
  file: 't.txt',
})

describe('IOC matcher: log records', () => {
  test('an IIS-form user agent hits, and so does the same agent with spaces (HttpProxy)', () => {
    const ua = 'Mozilla/5.0+(compatible;+Baiduspider/2.0;++http://www.baidu.com/search/spider.html)'
    const iis = run(
      rec({ userAgent: ua, raw: `x ${ua}`, ip: '10.0.0.1', time: '2021-03-03T01:02:03Z' }),
    )
    assert.equal(iis.length, 1)
    const f = iis[0] as Finding
    assert.equal(f.category, 'ioc')
    assert.equal(f.severity, 'low')
    assert.equal(f.ruleSource.engine, 'ioc')
    assert.deepEqual(f.ruleSource.origins, ['scs-labs', 'cisa-chirp-AA21-062A'])
    assert.match(f.rule, /^ioc:user_agent:mozilla\/5\.0\+\(compatible/)
    assert.match(f.id, /^[0-9a-f]{16}$/)
    assert.equal(f.time, '2021-03-03T01:02:03Z')
    assert.match(f.reasons?.[0] ?? '', /scs-labs, cisa-chirp-AA21-062A/)
    const spaced = run(
      rec({ logType: 'httpproxy', userAgent: ua.replaceAll('+', ' ').toUpperCase() }),
    )
    assert.equal(spaced.length, 1)
    // The prefilter needle is one word of the agent, found in the IIS and the spaced form alike.
    const needle = matcher.needlesFor('iis').find((n) => n.includes('baidu'))
    assert.equal(needle, 'http://www.baidu.com/search/spider.html)')
    assert.ok(ua.toLowerCase().includes(needle))
    assert.ok(ua.toLowerCase().replaceAll('+', ' ').includes(needle))
    assert.equal(run(rec({ userAgent: ua, raw: 'GET /owa/ - Mozilla/5.0' })).length, 0)
  })

  test('an agent with commas hits HttpProxy, which logs its commas as spaces', () => {
    const ua =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ExhTestAgent/9.1'
    const m = compileIocs([user(ua, 'user_agent')])
    const httpProxy = ua.replaceAll(',', ' ')
    assert.equal(
      run(rec({ logType: 'httpproxy', userAgent: httpProxy, raw: httpProxy }), m).length,
      1,
    )
    const iis = ua.replaceAll(' ', '+')
    assert.equal(run(rec({ userAgent: iis, raw: iis }), m).length, 1)
    const other = ua.replace('9.1', '9.2')
    assert.equal(run(rec({ logType: 'httpproxy', userAgent: other, raw: other }), m).length, 0)
  })

  test('an attacker IP inside an HttpProxy ClientIpAddress list hits; ports are stripped', () => {
    const r = rec({
      logType: 'httpproxy',
      fields: { clientipaddress: '10.1.1.1, 103.77.192.219', 'x-forwarded-for': '-' },
    })
    const out = run(r)
    assert.equal(out.length, 1)
    assert.equal(out[0]?.fields?.clientipaddress, '103.77.192.219')
    assert.deepEqual(out[0]?.indicators.ips, ['103.77.192.219'])
    assert.equal(out[0]?.outcome, 'unknown')
    assert.equal(out[0]?.severity, 'medium')
    assert.equal(
      run(rec({ logType: 'smtp-receive', fields: { 'remote-endpoint': '103.77.192.219:25' } }))
        .length,
      1,
    )
    assert.equal(run(rec({ fields: { 'c-ip': '103.77.192.2190' } })).length, 0)
    assert.ok(matcher.needlesFor('httpproxy').includes('103.77.192.219'))
  })

  test('url_path_post hits only for POST', () => {
    const post = run(rec({ method: 'POST', urlPath: '/ecp/main.css' }))
    assert.equal(post.length, 1)
    assert.deepEqual(post[0]?.cves, ['CVE-2021-26855'])
    assert.deepEqual(post[0]?.attack, ['T1190'])
    assert.equal(run(rec({ method: 'GET', urlPath: '/ecp/main.css' })).length, 0)
    assert.equal(
      run(rec({ method: 'post', urlPath: '/OWA/auth/Current/themes/resources/logon.css' })).length,
      1,
    )
  })

  test('a domain (or a subdomain of it) in the query or referer hits; look-alikes do not', () => {
    const q = run(
      rec({ query: 'u=http://x.yolkish.com/a', raw: 'GET /owa u=http://x.yolkish.com/a' }),
    )
    assert.equal(q.length, 1)
    assert.equal(q[0]?.fields?.query, 'x.yolkish.com')
    assert.equal(q[0]?.severity, 'high')
    assert.equal(q[0]?.phase, 'command-and-control')
    assert.equal(run(rec({ raw: 'GET /x notyolkish.com' })).length, 0)
    const ref = run(
      rec({ raw: 'a http://rawfuns.com/ b', fields: { 'cs(referer)': 'http://rawfuns.com/' } }),
    )
    assert.equal(ref[0]?.fields?.referer, 'rawfuns.com')
  })

  test('user IPv6 and CIDR indicators', () => {
    const m = compileIocs([
      user('2001:db8::/32', 'cidr'),
      user('2001:0db8:0:0:0:0:0:5', 'ipv6'),
      user('198.51.100.0/24', 'cidr'),
    ])
    assert.equal(run(rec({ ip: '2001:db8::5' }), m).length, 2)
    assert.equal(run(rec({ ip: '198.51.100.77' }), m).length, 1)
    assert.equal(run(rec({ ip: '198.51.101.77' }), m).length, 0)
    assert.ok(m.needlesFor('iis').includes('198.51.100.'))
  })

  test(`repeats of one indicator in one file beyond ${FOLD_AFTER} are folded into one finding`, () => {
    const out: Finding[] = []
    const m = compileIocs([user('192.0.2.9', 'ipv4')])
    for (let i = 1; i <= FOLD_AFTER + 50; i++)
      m.matchRecord(rec({ ip: '192.0.2.9', line: i }), (f) => out.push(f))
    assert.equal(out.length, FOLD_AFTER)
    m.flush((f) => out.push(f))
    assert.equal(out.length, FOLD_AFTER + 1)
    const last = out.at(-1) as Finding
    assert.equal(last.folded, 49)
    assert.equal(last.source.line, FOLD_AFTER + 1)
    assert.equal(new Set(out.map((f) => f.id)).size, out.length, 'ids are unique')
  })
})

describe('IOC matcher: files', () => {
  test('a known web-shell hash hits as critical success with the DRL attribution', () => {
    const out = files({
      path: 'inetpub/wwwroot/aspnet_client/a.aspx',
      sha256: 'B75F163CA9B9240BF4B37AD92BC7556B40A17E27C2B8ED5C8991385FE07D17D0',
      size: 10,
    })
    const hash = out.find((f) => f.rule.startsWith('ioc:sha256:'))
    assert.ok(hash)
    assert.equal(hash.severity, 'critical')
    assert.equal(hash.outcome, 'success')
    assert.match(hash.ruleSource.license ?? '', /DRL-1\.1/)
    assert.match(hash.ruleSource.url ?? '', /signature-base/)
    assert.ok(hash.reasons?.some((r) => /Florian Roth/.test(r) && /LICENSE/.test(r)))
    assert.equal(
      hash.file?.sha256,
      'B75F163CA9B9240BF4B37AD92BC7556B40A17E27C2B8ED5C8991385FE07D17D0',
    )
  })

  test('an exact shell path hits case-insensitively, wherever Exchange is installed', () => {
    const a = files({
      path: 'x',
      windowsPath:
        'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\OutlookZH.aspx',
    })
    assert.ok(a.some((f) => f.rule.startsWith('ioc:filepath:') && f.severity === 'high'))
    assert.ok(a.some((f) => f.rule.startsWith('ioc:filepath_regex:')))
    const b = files({
      path: 'x',
      windowsPath: 'D:\\Exchange\\FRONTEND\\HttpProxy\\owa\\auth\\outlookzh.aspx',
    })
    assert.ok(
      b.some((f) => f.rule.startsWith('ioc:filepath:')),
      'install path differs',
    )
    const c = files({ path: 'C/inetpub/wwwroot/aspnet_client/supp0rt.aspx' })
    assert.ok(
      c.some((f) => f.rule.startsWith('ioc:filepath:')),
      'display path only',
    )
  })

  test('signature-base regexes (via RE2), file names and folder patterns', () => {
    const shell = files({
      path: 'x',
      windowsPath: 'C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\Ab12Cd34.aspx',
    })
    const rules = shell.map((f) => f.rule.split(':')[1])
    assert.ok(rules.includes('filepath_regex'))
    assert.ok(rules.includes('path_pattern'))
    const named = files({ path: 'webroot/healthcheck.aspx' })
    assert.deepEqual(
      named.map((f) => [f.rule, f.severity]),
      [['ioc:filename:healthcheck.aspx', 'low']],
    )
    // Exchange's own logon page sits in the same folder as the shells: no hit.
    const logon = files({
      path: 'x',
      windowsPath:
        'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\logon.aspx',
    })
    assert.deepEqual(logon, [])
    const ecp = files({
      path: 'x',
      windowsPath:
        'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\ecp\\auth\\TimeoutLogout.aspx',
    })
    assert.deepEqual(ecp, [])
    const versioned = files({
      path: 'x',
      windowsPath: 'E:\\Ex\\FrontEnd\\HttpProxy\\owa\\auth\\15.1.2375\\scripts\\x.aspx',
    })
    assert.ok(versioned.some((f) => f.rule.startsWith('ioc:path_pattern:')))
  })

  test('a catastrophic-backtracking user regex runs in RE2 in linear time', () => {
    const m = compileIocs([user('^(a+)+$', 'filepath_regex'), user('(x+x+)+y', 'filepath_regex')])
    const t0 = performance.now()
    const out = files({ path: 'x', windowsPath: `C:\\${'a'.repeat(50_000)}!` }, m)
    const out2 = files({ path: 'x', windowsPath: 'x'.repeat(50_000) }, m)
    assert.deepEqual([...out, ...out2], [])
    assert.ok(performance.now() - t0 < 1000)
    assert.equal(files({ path: 'aaaa' }, m).length, 0)
    assert.equal(files({ path: 'x', windowsPath: 'aaaa' }, m).length, 1)
  })
})

describe('a user feed of thousands of indicators', () => {
  test('matches records exactly as the same few indicators alone do (no literal gate past the limit)', () => {
    const few = [
      user('evil-c2.example.net', 'domain'),
      user('203.0.113.9', 'ipv4'),
      user('/owa/auth/shell.aspx', 'url_path_post'),
    ]
    const filler = Array.from({ length: MAX_GATE_LITERALS + 500 }, (_, i) =>
      user(`filler-${i}.example.org`, 'domain'),
    )
    const big = compileIocs([...filler, ...few])
    const small = compileIocs(few)
    const records = [
      rec({
        raw: 'GET /x?u=http://a.EVIL-C2.example.net/ 443',
        query: 'u=http://a.evil-c2.example.net/',
      }),
      rec({
        raw: 'POST /owa/auth/shell.aspx 203.0.113.9',
        ip: '203.0.113.9',
        method: 'POST',
        urlPath: '/owa/auth/shell.aspx',
      }),
      rec({
        raw: 'GET /owa/auth/shell.aspx 10.0.0.1',
        ip: '10.0.0.1',
        method: 'GET',
        urlPath: '/owa/auth/shell.aspx',
      }),
      rec({ raw: 'GET / 10.0.0.1 not-evil-c2.example.net.invalid', ip: '10.0.0.1' }),
    ]
    const rules = (m: ReturnType<typeof compileIocs>) =>
      records.map((r) => run(r, m).map((f) => f.rule))
    assert.deepEqual(rules(big), rules(small))
    assert.deepEqual(rules(small), [
      ['ioc:domain:evil-c2.example.net'],
      ['ioc:ipv4:203.0.113.9', 'ioc:url_path_post:/owa/auth/shell.aspx'],
      [],
      [],
    ])
  })
})
