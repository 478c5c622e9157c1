// `exhunt content list/show`, `exhunt cve`, `exhunt build` through bin/exhunt.js, on the shipped content.
// Assertions name real rules and builds, never counts that change whenever a rule is added.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runCli } from './cli.ts'

interface Entry {
  id: string
  engine: string
  cves: string[]
  license: string
  url?: string
}

describe('exhunt content list', () => {
  it('--cve CVE-2021-27065: the ECP rule among entries that all name that CVE (text and JSON)', async () => {
    const [text, json] = await Promise.all([
      runCli(['content', 'list', '--cve', 'CVE-2021-27065']),
      runCli(['content', 'list', '--cve', 'cve-2021-27065', '--json']),
    ])
    assert.equal(text.code, 0, text.stderr)
    const lines = text.stdout.trimEnd().split('\n')
    assert.match(lines[0] ?? '', /^ID\s+ENGINE\s+LEVEL\s+PROVES\s+CVES\s+TITLE$/)
    assert.ok(
      lines.some((l) => l.startsWith('exh-ecp-proxylogon-set-vdir-script ')),
      text.stdout,
    )
    for (const l of lines.slice(1, -1)) assert.match(l, /CVE-2021-27065/)
    assert.match(lines.at(-1) ?? '', /^\d+ entries \(/)
    assert.equal(json.code, 0, json.stderr)
    const entries = (JSON.parse(json.stdout) as { entries: Entry[] }).entries
    assert.ok(entries.some((e) => e.id === 'exh-ecp-proxylogon-set-vdir-script'))
    for (const e of entries) assert.ok(e.cves.includes('CVE-2021-27065'), e.id)
  })

  it('--engine yara lists only YARA rules, vendored ones with their licence', async () => {
    const r = await runCli(['content', 'list', '--engine', 'yara', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const entries = (JSON.parse(r.stdout) as { entries: Entry[] }).entries
    assert.ok(entries.length > 0)
    for (const e of entries) assert.equal(e.engine, 'yara')
    const hafnium = entries.find((e) => e.id === 'WEBSHELL_CVE_2021_27065_Webshells')
    assert.match(hafnium?.license ?? '', /^DRL-1\.1/)
  })

  it('bad filters exit 2 with one line', async () => {
    for (const args of [
      ['content', 'list', '--engine', 'nonsense'],
      ['content', 'list', '--cve', 'proxylogon'],
    ]) {
      const r = await runCli(args)
      assert.equal(r.code, 2, args.join(' '))
      assert.equal(r.stdout, '')
      assert.match(r.stderr, /^exhunt: .+\n$/)
    }
  })
})

describe('exhunt content show', () => {
  it('a native rule: header, its file as shipped with its inline tests, references', async () => {
    const r = await runCli(['content', 'show', 'exh-ecp-proxylogon-set-vdir-script'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(
      r.stdout,
      /^file: +content\/rules\/native\/ecp\/exh-ecp-proxylogon-set-vdir-script\.yml$/m,
    )
    assert.match(r.stdout, /^cves: +CVE-2021-27065 \(ProxyLogon/m)
    assert.match(r.stdout, /^id: exh-ecp-proxylogon-set-vdir-script$/m)
    assert.match(r.stdout, /^tests:\n {2}positive:/m)
    assert.match(r.stdout, /^references:\n {2}- https:/m)
  })

  it('a vendored YARA rule: the rule text and its signature-base attribution', async () => {
    const r = await runCli(['content', 'show', 'WEBSHELL_CVE_2021_27065_Webshells', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const o = JSON.parse(r.stdout) as { entry: Entry; text: string }
    assert.match(o.text, /^rule WEBSHELL_CVE_2021_27065_Webshells \{[\s\S]*\n\}$/)
    assert.match(o.entry.license, /^DRL-1\.1/)
    assert.match(
      o.entry.url ?? '',
      /Neo23x0\/signature-base\/blob\/[0-9a-f]{40}\/yara\/apt_hafnium\.yar$/,
    )
  })

  it('an unknown rule id exits 2 with one line', async () => {
    const r = await runCli(['content', 'show', 'exh-no-such-rule'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^exhunt: no rule with id 'exh-no-such-rule'.*\n$/)
  })
})

describe('exhunt cve', () => {
  it('CVE-2021-26855: the family window, Mar21SU for Exchange 2016 CU19, the rules that detect it', async () => {
    const [text, json] = await Promise.all([
      runCli(['cve', 'CVE-2021-26855']),
      runCli(['cve', 'CVE-2021-26855', '--json']),
    ])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /^CVE-2021-26855: ProxyLogon/m)
    assert.match(text.stdout, /^exploited from 2021-01-03, patched 2021-03-02/m)
    assert.match(
      text.stdout,
      /^ {2}CU19 +15\.1\.2176\.2 +affected, fixed by CU19 Mar21SU 15\.1\.2176\.9/m,
    )
    assert.match(text.stdout, /^exh-httpproxy-proxylogon-ssrf /m)
    const o = JSON.parse(json.stdout) as {
      products: { product: string; cus: { cu: string; fixedBy?: { name: string } }[] }[]
      rules: Entry[]
    }
    const e2016 = o.products.find((p) => p.product === 'Exchange Server 2016')
    assert.equal(e2016?.cus.find((c) => c.cu === 'CU19')?.fixedBy?.name, 'CU19 Mar21SU')
    for (const r of o.rules) assert.ok(r.cves.includes('CVE-2021-26855'), r.id)
  })

  it('not a CVE id, or a CVE the content does not know: exit 2', async () => {
    for (const arg of ['proxylogon', 'CVE-1999-0001']) {
      const r = await runCli(['cve', arg])
      assert.equal(r.code, 2, arg)
      assert.match(r.stderr, /^exhunt: .+\n$/)
    }
  })
})

describe('exhunt build', () => {
  it('15.1.2176.2 (and its log-header form): Exchange 2016 CU19, missing ProxyLogon, what to install', async () => {
    const [text, header, json] = await Promise.all([
      runCli(['build', '15.1.2176.2']),
      runCli(['build', '15.01.2176.002']),
      runCli(['build', '15.1.2176.2', '--json']),
    ])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /^15\.1\.2176\.2: Exchange Server 2016 CU19 \(no SU\)$/m)
    assert.match(text.stdout, /^released: +2020-12-15$/m)
    assert.match(text.stdout, /^ {2}CVE-2021-26855 +fixed in CU19 Mar21SU +\(ProxyLogon/m)
    assert.match(text.stdout, /^install: +Exchange Server 2016 CU\d+ \S+ 15\.1\.\d+\.\d+/m)
    assert.equal(header.stdout, text.stdout)
    const o = JSON.parse(json.stdout) as {
      cu: string
      exposure: { missing: { cve: string }[]; update?: { name: string }; approximate?: boolean }
    }
    assert.equal(o.cu, 'CU19')
    assert.ok(o.exposure.missing.some((m) => m.cve === 'CVE-2021-26855'))
    assert.ok(o.exposure.update?.name)
    assert.equal(o.exposure.approximate, undefined)
  })

  it('a build with an SU names the update and no longer misses what it fixed', async () => {
    const r = await runCli(['build', '15.1.2176.9', '--json'])
    const text = await runCli(['build', '15.1.2176.9'])
    assert.match(text.stdout, /^15\.1\.2176\.9: Exchange Server 2016 CU19, update Mar21SU$/m)
    const o = JSON.parse(r.stdout) as { cu: string; exposure: { missing: { cve: string }[] } }
    assert.equal(o.cu, 'CU19')
    assert.ok(!o.exposure.missing.some((m) => m.cve === 'CVE-2021-26855'))
    assert.ok(
      o.exposure.missing.some((m) => m.cve === 'CVE-2021-34473'),
      'ProxyShell came later',
    )
  })

  it('a build between table rows is judged from its neighbour and says it is approximate', async () => {
    const r = await runCli(['build', '15.1.2176.3'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^approximate: /m)
  })

  it('not a build, or a build of no known product: exit 2 with one line', async () => {
    for (const arg of ['15.1.2176', '99.1.1.1']) {
      const r = await runCli(['build', arg])
      assert.equal(r.code, 2, arg)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, /^exhunt: .+\n$/)
    }
  })
})

describe('exhunt --help', () => {
  it('names the index commands with an example each', async () => {
    const r = await runCli(['--help'])
    assert.equal(r.code, 0)
    for (const c of ['cve [options] <cve>', 'build [options] <build>'])
      assert.ok(r.stdout.includes(c), c)
    assert.match(r.stdout, /^ {2}exhunt content list --cve CVE-2021-27065 /m)
    assert.match(r.stdout, /^ {2}exhunt build 15\.1\.2176\.2 /m)
    const content = await runCli(['content', '--help'])
    assert.match(content.stdout, /^ {2}list \[options\] /m)
    assert.match(content.stdout, /^ {2}show \[options\] <rule-id> /m)
  })
})
