// The shipped native rules over real public logs and the team's synthetic fixtures: what a responder expects
// each to yield. Corpus files are read in place (test/helpers/corpus.ts); fixtures are generated.
import assert from 'node:assert/strict'
import { createReadStream, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { makeDemo } from '../../demo/make.ts'
import { lintContent } from '../../src/content/lint.ts'
import { makeRecord } from '../../src/sources/logs/index.ts'
import { makeBusyClean } from '../fixtures/busy-clean/make.ts'
import { corpusPath, corpusSkip, REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { aboveLow, allFiles, ruleSession, rulesHit, runRulesOnDir } from './run-rules.ts'

const IIS_FIELDS =
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken'

describe('native rule content', () => {
  it('loads without errors and every rule passes its own tests', () => {
    const r = lintContent(join(REPO_ROOT, 'content'))
    const errors = r.issues.filter(
      (i) => i.severity === 'error' && i.file.startsWith('rules/native/'),
    )
    assert.deepEqual(errors, [])
    assert.deepEqual(r.tests.failures, [])
    assert.ok(r.rules >= 25, `only ${r.rules} native rules loaded`)
  })
})

describe('rules on the public corpus', { skip: corpusSkip }, () => {
  it('ProxyShell IIS excerpts yield the ProxyShell rule on every line', async () => {
    const file = corpusPath(
      'logs/proxyshell-blog-excerpts-unverified/iis_proxyshell_lines_sanitized.log',
    )
    // The excerpts were re-typed without a header: give them IIS's default one.
    const text = `${IIS_FIELDS}\n${readFileSync(file, 'utf8')}`
    const s = ruleSession()
    await s.scan(Readable.from([Buffer.from(text)]), 'iis_proxyshell_lines_sanitized.log')
    const run = s.finish()
    const lines = new Set(
      run.findings
        .filter((f) => f.rule === 'exh-iis-proxyshell-autodiscover')
        .map((f) => f.source.line),
    )
    assert.equal(lines.size, 5, `ProxyShell lines found: ${[...lines].join(', ')}`)
    const xrps = run.findings.find(
      (f) => f.rule === 'exh-iis-proxyshell-autodiscover' && f.evidence.includes('X-Rps-CAT'),
    )
    assert.ok(xrps, 'the X-Rps-CAT line is reported')
    assert.ok(
      !rulesHit(run).has('exh-iis-proxynotshell-autodiscover-powershell'),
      'X-Rps-CAT is ProxyShell, not ProxyNotShell',
    )
  })

  it('ProxyShell cmdlet excerpts yield role assignment, export and certificate-request rules', () => {
    const file = corpusPath(
      'logs/proxyshell-blog-excerpts-unverified/msexchange-management_cmdlet-excerpts.txt',
    )
    const s = ruleSession()
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        if (raw.trim() === '') return
        // MSExchange Management event text: cmdlet, parameters, ... separated by a literal '\n'.
        const [cmdlet = '', parameters = ''] = raw.split('\\n')
        s.record(
          makeRecord(
            'rps-cmdlet',
            undefined,
            ['cmdlet', 'parameters'],
            [cmdlet, parameters],
            file,
            i + 1,
            raw,
          ),
        )
      })
    const hit = rulesHit(s.finish())
    for (const id of [
      'exh-cmdlet-proxyshell-import-export-role',
      'exh-cmdlet-proxyshell-export-to-web-folder',
      'exh-cmdlet-proxyshell-cert-request-web-folder',
    ]) {
      assert.ok(hit.has(id), `${id} missing (got ${[...hit].join(', ')})`)
    }
    assert.ok(
      !hit.has('exh-cmdlet-mailbox-export'),
      'a web-folder export is not an ordinary export',
    )
  })

  it('the Tunna IIS log yields web-shell tunnel use, successful', async () => {
    const s = ruleSession()
    const file = corpusPath('logs/iis-tunna/Tunna_rdp_tunnel_IIS.log')
    await s.scan(createReadStream(file), 'Tunna_rdp_tunnel_IIS.log')
    const run = s.finish()
    const tunnel = run.findings.filter((f) => f.rule === 'exh-webshell-use-tunnel')
    assert.ok(tunnel.length >= 100, `only ${tunnel.length} tunnel findings`)
    assert.ok(tunnel.every((f) => f.outcome === 'success'))
    assert.equal(tunnel[0]!.indicators.paths[0], '/erp/conn.aspx')
  })

  it('ex01 yields web-shell use: /owa/auth/aKdMadOeT.aspx?cmd=whoami answered 200', async () => {
    const dir = corpusPath('logs/exchange-log-formats')
    const name = readdirSync(dir).find((n) => n.startsWith('ex01'))!
    const s = ruleSession()
    await s.scan(createReadStream(join(dir, name)), name)
    const run = s.finish()
    for (const id of ['exh-webshell-use-auth-folder', 'exh-webshell-use-command-in-query']) {
      const f = run.findings.find((x) => x.rule === id)
      assert.ok(f, `${id} missing`)
      assert.equal(f.outcome, 'success')
      assert.equal(f.severity, 'high')
      assert.deepEqual(f.indicators.paths, ['/owa/auth/aKdMadOeT.aspx'])
    }
  })

  it('the ordinary Exchange log examples (ex02-ex17) yield nothing above low', async () => {
    const dir = corpusPath('logs/exchange-log-formats')
    const s = ruleSession()
    const names = readdirSync(dir).filter(
      (n) => /^ex\d\d_.*\.log$/.test(n) && !n.startsWith('ex01'),
    )
    assert.equal(names.length, 16)
    for (const n of names) await s.scan(createReadStream(join(dir, n)), n)
    const run = s.finish()
    assert.deepEqual(aboveLow(run), [])
    // The zgrab fetch of the export-tool manifest in ex08 is context, not an attack.
    assert.ok(rulesHit(run).has('exh-ioc-context-exporttool-fingerprint'))
  })
})

describe('rules on the synthetic fixtures', () => {
  it('a busy clean server yields nothing above low', async () => {
    const dir = tmpDir('exhunt-busy-clean-')
    makeBusyClean(dir)
    const run = await runRulesOnDir(dir)
    assert.deepEqual(run.errors, [])
    assert.deepEqual(aboveLow(run), [])
    // The hunt's needle prefilter is on: most of a busy server's lines never become records.
    assert.ok(run.records > 0 && run.records < run.lines / 2, `${run.records} of ${run.lines}`)
    const hit = rulesHit(run)
    // The noise cases are there and recognised as harmless.
    assert.ok(hit.has('exh-ecp-set-vdir-url-change'), 'admin OAB URL change seen as context')
    assert.ok(hit.has('exh-cmdlet-mailbox-export'), 'export to a file share seen as context')
    assert.ok(
      hit.has('exh-ioc-context-exporttool-fingerprint'),
      'scanner manifest fetch seen as context',
    )
  })

  it('demo/evidence is what demo/make.ts writes', () => {
    const dir = tmpDir('exhunt-demo-')
    makeDemo(dir)
    const committed = join(REPO_ROOT, 'demo', 'evidence')
    const rel = (root: string) => allFiles(root).map((f) => relative(root, f).split('\\').join('/'))
    assert.deepEqual(rel(dir), rel(committed))
    for (const f of rel(dir)) {
      assert.ok(
        readFileSync(join(dir, f)).equals(readFileSync(join(committed, f))),
        `${f} differs: run demo/make.ts`,
      )
    }
  })

  it('the demo yields the full ProxyLogon chain, successful', async () => {
    const run = await runRulesOnDir(join(REPO_ROOT, 'demo', 'evidence'))
    const success = (id: string) =>
      run.findings.some((f) => f.rule === id && f.outcome === 'success')
    for (const id of [
      'exh-httpproxy-proxylogon-ssrf', // CVE-2021-26855
      'exh-ecp-proxylogon-set-vdir-script', // CVE-2021-27065, part 1
      'exh-httpproxy-proxylogon-reset-vdir', // CVE-2021-27065, part 2
      'exh-iis-proxylogon-ddi-reset-vdir',
      'exh-oab-proxylogon-download-failed', // CVE-2021-26858
      'exh-webshell-use-auth-folder', // the planted shell in use
      'exh-webshell-use-lookalike-name',
      'exh-webshell-use-aspnet-client',
      'exh-webshell-use-command-in-query',
    ]) {
      assert.ok(success(id), `${id}: no successful finding`)
    }
    // The IIS side of the SSRF (POSTs to /ecp/y.js) cannot tell where it went: a high attempt per line,
    // made a success by the hunt's correlation when the same IP goes on (src/analysis/correlate.ts).
    const ssrfPosts = run.findings.filter((f) => f.rule === 'exh-iis-proxylogon-static-post')
    assert.ok(ssrfPosts.length > 0)
    assert.ok(ssrfPosts.every((f) => f.outcome === 'attempt' && f.severity === 'high'))
    // The autodiscover/localhost probes are reported, but only as low attempts.
    const probes = run.findings.filter((f) => f.rule === 'exh-httpproxy-proxylogon-ssrf-probe')
    assert.ok(probes.length >= 2)
    assert.ok(probes.every((f) => f.outcome === 'attempt' && f.severity === 'low'))
    // The 404 sweep for other actors' shells is one aggregate finding for its IP.
    const sweep = run.findings.filter((f) => f.rule === 'exh-webshell-use-probe-many-names')
    assert.deepEqual(
      sweep.map((f) => f.indicators.ips),
      [['5.254.43.18']],
    )
    // The attackers' IPs come from the Volexity/CISA lists, so the IOC engine sees them too.
    const ips = new Set(run.findings.flatMap((f) => f.indicators.ips))
    assert.ok(ips.has('104.140.114.110') && ips.has('167.99.168.251'))
    // ... as its own findings, through the prefilter the hunt builds from both engines' needles.
    const iocRules = new Set(run.findings.map((f) => f.rule).filter((r) => r.startsWith('ioc:')))
    for (const id of ['ioc:ipv4:104.140.114.110', 'ioc:user_agent:antsword/v2.1'])
      assert.ok(iocRules.has(id), `${id} missing (got ${[...iocRules].join(', ')})`)
  })
})
