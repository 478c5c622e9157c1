import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { shippedCounts } from '../../../test/helpers/content-counts.ts'
import { corpusPath, corpusSkip, REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { compileIocs } from '../../detect/ioc/index.ts'
import type { Finding } from '../../shared/types.ts'
import { parseCsv } from './csv.ts'
import { loadIocs, mergeIocs } from './load.ts'

const SHIPPED = join(REPO_ROOT, 'content', 'ioc', 'exchange-iocs.csv')

function counts(types: string[]): Record<string, number> {
  const c: Record<string, number> = {}
  for (const t of types) c[t] = (c[t] ?? 0) + 1
  return c
}

function feed(name: string, text: string): string {
  const p = join(tmpDir(), name)
  writeFileSync(p, text)
  return p
}

describe('shipped IOC content', () => {
  const { iocs, issues } = loadIocs([SHIPPED], { user: false })

  test('loads every indicator with no issue, as many per type as content/manifest.json says', () => {
    assert.deepEqual(issues, [])
    const { iocs: perType } = shippedCounts()
    assert.deepEqual(
      counts(iocs.filter((i) => i.type !== 'known_good_name').map((i) => i.type)),
      perType,
    )
  })

  test('signature-base indicators carry author, list link and DRL licence link', () => {
    const sb = iocs.filter((i) => i.origins.some((o) => o.startsWith('signature-base/')))
    assert.equal(sb.length, 99 + 9)
    for (const i of sb) {
      assert.match(
        i.license ?? '',
        /DRL-1\.1 \(https:\/\/github\.com\/Neo23x0\/signature-base\/.*LICENSE\)/,
      )
      assert.match(
        i.url ?? '',
        /^https:\/\/github\.com\/Neo23x0\/signature-base\/blob\/[0-9a-f]{40}\/iocs\//,
      )
      assert.match(i.author ?? '', /Florian Roth/)
    }
  })

  test('severity policy: hashes critical, shell paths high, spoofed crawlers low, tools medium', () => {
    const sev = (v: string) => iocs.find((i) => i.value === v)?.severity
    assert.equal(
      sev('b75f163ca9b9240bf4b37ad92bc7556b40a17e27c2b8ed5c8991385fe07d17d0'),
      'critical',
    )
    assert.equal(
      sev('C:\\inetpub\\wwwroot\\aspnet_client\\supp0rt.aspx'),
      'high',
      'exact shell path is high',
    )
    assert.equal(sev('DuckDuckBot/1.0;+(+http://duckduckgo.com/duckduckbot.html)'), 'low')
    assert.equal(
      sev('Mozilla/5.0+(compatible;+Bingbot/2.0;++http://www.bing.com/bingbot.htm)'),
      'low',
    )
    assert.equal(sev('ExchangeServicesClient/0.0.0.0'), 'medium')
    assert.equal(sev('python-requests/2.25.1'), 'medium')
    assert.equal(sev('antSword/v2.1'), 'medium')
    assert.equal(sev('103.77.192.219'), 'medium')
    assert.equal(sev('yolkish.com'), 'high')
    assert.equal(sev('/ecp/main.css'), 'medium')
  })

  test('keeps indicator, type, sources and notes of the consolidated corpus file', {
    skip: corpusSkip,
  }, () => {
    const src = parseCsv(readFileSync(corpusPath('ioc', 'CONSOLIDATED-exchange-iocs.csv'), 'utf8'))
    const ours = parseCsv(readFileSync(SHIPPED, 'utf8'))
    assert.deepEqual(ours[0]?.cells, ['indicator', 'type', 'severity', 'sources', 'notes'])
    assert.equal(ours.length, src.length)
    for (let i = 1; i < src.length; i++) {
      const [v, t, s, n] = src[i]?.cells ?? []
      const o = ours[i]?.cells ?? []
      assert.deepEqual([o[0], o[1], o[3], o[4]], [v, t, s, n])
    }
  })
})

describe('user feeds (--ioc)', () => {
  test('an indicator in the shipped set and in a user feed is one IOC, one finding, both origins', () => {
    const hash = '8e90ed33c7ee82c0b64078ea36ec95f7420ba435c693b3b3dd728b494abf7dfc'
    const shipped = loadIocs([SHIPPED], { user: false }).iocs
    const user = loadIocs([feed('cert-feed.txt', `${hash.toUpperCase()}\n198.51.100.9\n`)], {
      user: true,
    }).iocs
    const merged = mergeIocs(shipped, user)
    assert.equal(merged.length, shipped.length + 1)
    const one = merged.filter((i) => i.value.toLowerCase() === hash)
    assert.equal(one.length, 1)
    assert.deepEqual(one[0]?.origins, ['mstic-azure-sentinel', 'cert-feed.txt'])
    assert.equal(one[0]?.file, 'ioc/exchange-iocs.csv')
    // the shipped copy is not changed by the merge
    assert.deepEqual(shipped.find((i) => i.value === hash)?.origins, ['mstic-azure-sentinel'])
    const found: Finding[] = []
    compileIocs(merged).matchFile(
      { path: 'C/inetpub/wwwroot/aspnet_client/x.aspx', sha256: hash },
      (f) => {
        if (f.rule.startsWith('ioc:sha256:')) found.push(f)
      },
    )
    assert.equal(found.length, 1)
    assert.deepEqual(found[0]?.ruleSource.origins, ['mstic-azure-sentinel', 'cert-feed.txt'])
  })

  test("the same indicator twice across a feed's files loads once", () => {
    const a = feed('a.txt', '198.51.100.7\n')
    const b = feed('b.txt', '198.51.100.7\n203.0.113.5\n')
    const { iocs } = loadIocs([a, b], { user: true })
    assert.deepEqual(
      iocs.map((i) => [i.value, i.origins]),
      [
        ['198.51.100.7', ['a.txt', 'b.txt']],
        ['203.0.113.5', ['b.txt']],
      ],
    )
  })

  test('plain text: types guessed, comments skipped, defanged values refanged', () => {
    const p = feed(
      'mine.txt',
      [
        '# my list',
        '198.51.100[.]7',
        '2001:db8::1',
        '203.0.113.0/24',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'da39a3ee5e6b4b0d3255bfef95601890afd80709',
        'd41d8cd98f00b204e9800998ecf8427e',
        'hxxp://evil[.]example[.]org/x',
        'bad-c2.example.net # C2',
        'C:\\inetpub\\wwwroot\\aspnet_client\\evil.aspx',
        'owafonts.aspx',
        '/owa/auth/x.js',
        'python-requests/2.31.0',
        '???',
      ].join('\n'),
    )
    const { iocs, issues } = loadIocs([p], { user: true })
    assert.deepEqual(
      iocs.map((i) => [i.type, i.value]),
      [
        ['ipv4', '198.51.100.7'],
        ['ipv6', '2001:db8::1'],
        ['cidr', '203.0.113.0/24'],
        ['sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
        ['sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
        ['md5', 'd41d8cd98f00b204e9800998ecf8427e'],
        ['domain', 'evil.example.org'],
        ['domain', 'bad-c2.example.net'],
        ['filepath', 'C:\\inetpub\\wwwroot\\aspnet_client\\evil.aspx'],
        ['filename', 'owafonts.aspx'],
        ['url_path', '/owa/auth/x.js'],
        ['user_agent', 'python-requests/2.31.0'],
      ],
    )
    assert.equal(iocs[0]?.origins[0], 'mine.txt')
    assert.equal(iocs[7]?.notes, 'C2')
    assert.equal(issues.length, 1)
    assert.equal(issues[0]?.severity, 'warning')
    assert.equal(issues[0]?.path, 'line 14')
  })

  test('CSV with value and STIX-like ioc_type columns; a bad row is an error with its line', () => {
    const p = feed(
      'stix.csv',
      'ioc_type,value,description\nipv4-addr,192.0.2.10,"scanner, loud"\ndomain-name,c2.example.com,\nfile:hashes.sha256,nothex,\nuser-agent,"Mozilla/5.0 (evil; ""x"")",ua\n',
    )
    const { iocs, issues } = loadIocs([p], { user: true })
    assert.deepEqual(
      iocs.map((i) => [i.type, i.value, i.notes]),
      [
        ['ipv4', '192.0.2.10', 'scanner, loud'],
        ['domain', 'c2.example.com', undefined],
        ['user_agent', 'Mozilla/5.0 (evil; "x")', 'ua'],
      ],
    )
    assert.equal(issues.length, 1)
    assert.equal(issues[0]?.severity, 'error')
    assert.equal(issues[0]?.path, 'line 4')
  })

  test('signature-base hash list (value;comment)', { skip: corpusSkip }, () => {
    const { iocs, issues } = loadIocs(
      [corpusPath('ioc', 'signature-base', 'exchange-subset_hash-iocs.txt')],
      {
        user: true,
      },
    )
    assert.deepEqual(issues, [])
    assert.ok(iocs.length >= 8)
    assert.ok(iocs.every((i) => i.type === 'sha256' || i.type === 'sha1' || i.type === 'md5'))
    assert.match(iocs[0]?.notes ?? '', /HAFNIUM/)
  })

  test('signature-base filename list (regex;score): every regex compiles in RE2, score sets severity', {
    skip: corpusSkip,
  }, () => {
    const { iocs, issues } = loadIocs([corpusPath('ioc', 'signature-base', 'filename-iocs.txt')], {
      user: true,
    })
    assert.deepEqual(issues, [])
    assert.ok(iocs.length > 3000)
    assert.ok(iocs.every((i) => i.type === 'filepath_regex'))
    const xx = iocs.find((i) => i.value === '\\\\inetpub\\\\wwwroot\\\\aspnet_client\\\\xx\\.aspx')
    assert.equal(xx?.severity, 'high')
  })

  test('mixed signature-base c2 list: bare values and value;score lines', {
    skip: corpusSkip,
  }, () => {
    const { iocs, issues } = loadIocs([corpusPath('ioc', 'signature-base', 'c2-iocs.txt')], {
      user: true,
    })
    assert.deepEqual(issues, [])
    assert.ok(iocs.some((i) => i.type === 'ipv4' && i.value === '176.123.5.126'))
    assert.ok(iocs.some((i) => i.type === 'domain'))
  })

  test('unreadable, binary and regex-that-RE2-rejects inputs become issues, not throws', () => {
    const bin = feed('x.bin', 'abc\0def')
    const bad = feed('re.csv', 'indicator,type\n"(?<=a)b",filepath_regex\n')
    const { iocs, issues } = loadIocs([join(tmpDir(), 'missing.txt'), bin, bad], { user: true })
    assert.equal(iocs.length, 0)
    assert.deepEqual(
      issues.map((i) => i.severity),
      ['error', 'error', 'error'],
    )
    assert.match(issues[2]?.message ?? '', /RE2/)
  })
})
