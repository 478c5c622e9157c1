// Real incident lines from the public corpus through the real CLI, and a responder's own IOC feed.
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { iisHeader, iisLine } from '../fixtures/busy-clean/formats.ts'
import { corpusPath, corpusSkip } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { brief, huntJson } from './cli.ts'

describe('exhunt hunt on real incident lines', { skip: corpusSkip }, () => {
  it('finds every real web shell of the corpus and stays silent on every benign page', async () => {
    const run = await huntJson(corpusPath('webshells'), ['--only', 'files'])
    const r = run.report
    assert.equal(run.code, 1, run.stderr)
    const dev = readdirSync(corpusPath('webshells', 'malicious', 'dev')).filter(
      (n) => n !== 'MANIFEST.csv',
    )
    const found = new Set(
      r.findings
        .filter(
          (f) => f.category === 'webshell' && ['medium', 'high', 'critical'].includes(f.severity),
        )
        .map((f) => f.source.path),
    )
    const missed = dev.filter((n) => !found.has(`malicious/dev/${n}`))
    assert.deepEqual(missed, [], `missed ${missed.length} of ${dev.length}`)
    const benign = r.findings.filter((f) => f.source.path.startsWith('benign/'))
    assert.deepEqual(
      benign.map((f) => `${f.severity} ${f.rule} ${f.source.path}`),
      [],
    )
    assert.equal(r.verdict, 'compromised')
  })

  it('finds the Tunna web-shell use in iis-tunna', async () => {
    const run = await huntJson(corpusPath('logs', 'iis-tunna'))
    const r = run.report
    assert.equal(run.code, 1, run.stderr)
    const use = r.findings.filter(
      (f) =>
        f.category === 'webshell' &&
        f.source.path === 'Tunna_rdp_tunnel_IIS.log' &&
        f.indicators.paths.includes('/erp/conn.aspx'),
    )
    assert.ok(use.length > 0, brief(r))
    assert.ok(use.some((f) => f.severity === 'high' || f.severity === 'critical'))
    assert.ok(use.some((f) => /proxy&port=3389&ip=127\.0\.0\.1/.test(f.evidence)))
    assert.ok(use.every((f) => f.indicators.ips.includes('10.0.2.17')))
    assert.notEqual(r.verdict, 'clean')
  })

  it('finds ProxyShell in the blog excerpts, telling success from attempt', async () => {
    const run = await huntJson(corpusPath('logs', 'proxyshell-blog-excerpts-unverified'))
    const r = run.report
    assert.equal(run.code, 1, run.stderr)
    const ps = r.findings.filter(
      (f) =>
        f.category === 'exploitation' &&
        f.cves.includes('CVE-2021-34473') &&
        f.source.path === 'iis_proxyshell_lines_sanitized.log',
    )
    assert.ok(ps.length > 0, brief(r))
    assert.ok(ps.every((f) => /autodiscover\.json/i.test(f.evidence)))
    assert.ok(
      ps.some((f) => f.outcome === 'success' && f.severity === 'critical'),
      brief(r),
    )
    assert.ok(
      ps.some((f) => /X-Rps-CAT/.test(f.evidence)),
      'the /powershell X-Rps-CAT line',
    )
    // The excerpts carry no #Fields line and lost columns in sanitising, so the client IP cannot be
    // placed; the verdict must not depend on it.
    assert.equal(r.verdict, 'compromised')
  })
})

describe('exhunt hunt --ioc with a user text feed', () => {
  it('reports an ioc finding citing the log line that holds the IP', async () => {
    const root = tmpDir('exhunt-e2e-ioc-')
    const dir = join(root, 'inetpub', 'logs', 'LogFiles', 'W3SVC1')
    mkdirSync(dir, { recursive: true })
    let log = iisHeader('2023-01-10 00:00:00')
    const row = { method: 'GET', stem: '/owa/', status: 200, ua: 'Mozilla/5.0' }
    log += iisLine({ ...row, time: '2023-01-10 08:00:01', ip: '198.51.100.9' })
    log += iisLine({ ...row, time: '2023-01-10 08:00:02', ip: '203.0.113.77' })
    log += iisLine({ ...row, time: '2023-01-10 08:00:03', ip: '198.51.100.9' })
    writeFileSync(join(dir, 'u_ex230110.log'), log)
    const feed = join(root, 'case-4711-iocs.txt')
    writeFileSync(feed, '# indicators from case 4711\n203.0.113.77\nevil.example.net\n')

    const [withFeed, without] = await Promise.all([huntJson(root, ['--ioc', feed]), huntJson(root)])
    const hits = withFeed.report.findings.filter(
      (f) => f.category === 'ioc' && f.indicators.ips.includes('203.0.113.77'),
    )
    assert.equal(hits.length, 1, brief(withFeed.report))
    const hit = hits[0]!
    assert.equal(hit.source.path, 'inetpub/logs/LogFiles/W3SVC1/u_ex230110.log')
    assert.equal(hit.source.line, 6)
    assert.match(hit.rule, /^ioc:/)
    assert.equal(hit.ruleSource.engine, 'ioc')
    assert.match(hit.ruleSource.file, /case-4711-iocs\.txt$/)
    assert.deepEqual(withFeed.report.errors, [])
    // Without the feed the same line is nothing at all.
    assert.ok(
      without.report.findings.every((f) => !f.indicators.ips.includes('203.0.113.77')),
      brief(without.report),
    )
  })
})
