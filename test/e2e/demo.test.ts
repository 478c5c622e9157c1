// The bundled demo (a synthetic ProxyLogon compromise, demo/README.md) through the real CLI, as a
// directory and as a zip: the verdict, the attack chain a responder reads, and the report's schema.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { before, describe, it } from 'node:test'
import { checkSchema, type Schema } from '../../src/report/schema-check.ts'
import type { Finding, HuntReport } from '../../src/shared/types.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { makeZip } from '../helpers/zip-writer.ts'
import { brief, DEMO, type HuntRun, huntJson, rulesOf } from './cli.ts'

const SSRF_IP = '104.140.114.110'
const SHELL_IP = '167.99.168.251'
const SHELLS = [
  'FrontEnd/HttpProxy/owa/auth/RedirSuiteServerProxy.aspx',
  'inetpub/wwwroot/aspnet_client/system_web/supp0rt.aspx',
]

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
}

function zipDemo(): string {
  const zip = join(tmpDir('exhunt-e2e-zip-'), 'EXCH01-triage.zip')
  const entries = filesUnder(DEMO).map((p) => ({
    name: relative(DEMO, p).replaceAll('\\', '/'),
    data: readFileSync(p),
  }))
  writeFileSync(zip, makeZip(entries))
  return zip
}

// One hunt of each, started together and shared by every assertion below (the suite has a time budget).
let demoRun: Promise<HuntRun> | undefined
let zipRun: Promise<HuntRun> | undefined
function runs(): [Promise<HuntRun>, Promise<HuntRun>] {
  demoRun ??= huntJson(DEMO)
  zipRun ??= huntJson(zipDemo())
  return [demoRun, zipRun]
}

function where(report: HuntReport, pred: (f: Finding) => boolean): Finding[] {
  return report.findings.filter(pred)
}

describe('exhunt hunt demo/evidence (directory)', () => {
  let run: HuntRun
  let r: HuntReport
  before(async () => {
    run = await runs()[0]
    r = run.report
  })

  it('exits 1 with the verdict compromised', () => {
    assert.equal(run.code, 1, run.stderr)
    assert.equal(r.verdict, 'compromised', brief(r))
    assert.equal(r.input.kind, 'directory')
    assert.ok(r.verdictReasons.length > 0)
    assert.deepEqual(r.errors, [])
  })

  it('validates against docs/hunt-report.schema.json', () => {
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, 'docs', 'hunt-report.schema.json'), 'utf8'),
    ) as Schema
    assert.deepEqual(checkSchema(r, schema), [])
  })

  it('shows the SSRF (CVE-2021-26855) that reached the back end, from the attacker', () => {
    const ssrf = where(
      r,
      (f) =>
        f.category === 'exploitation' &&
        f.outcome === 'success' &&
        f.cves.includes('CVE-2021-26855') &&
        f.source.path.includes('Logging/HttpProxy/') &&
        /ServerInfo~a\]@EXCH01/i.test(f.evidence),
    )
    assert.ok(ssrf.length > 0, brief(r))
    assert.ok(ssrf.every((f) => f.indicators.ips.includes(SSRF_IP)))
    assert.ok(ssrf.some((f) => f.severity === 'critical'))
  })

  it('shows the ECP Set-OabVirtualDirectory with a script in the URL (CVE-2021-27065)', () => {
    const ecp = where(
      r,
      (f) => f.source.path.includes('Logging/ECP/Server/') && f.severity === 'critical',
    )
    assert.equal(ecp.length, 1, brief(r))
    assert.match(ecp[0]!.evidence, /Set-OabVirtualDirectory/)
    assert.match(ecp[0]!.evidence, /<script/i)
    assert.ok(ecp[0]!.cves.includes('CVE-2021-27065'))
    // The admin's ordinary URL change next to it is context, not an alarm.
    const plain = where(
      r,
      (f) => f.source.path.includes('Logging/ECP/Server/') && !/<script/i.test(f.evidence),
    )
    assert.ok(plain.every((f) => f.severity === 'info' || f.severity === 'low'))
  })

  it('shows the OAB generator writing the shell (CVE-2021-26858)', () => {
    const oab = where(r, (f) => f.source.path.includes('OABGeneratorLog/'))
    assert.ok(oab.length > 0, brief(r))
    assert.ok(oab.some((f) => f.cves.includes('CVE-2021-26858') && f.severity === 'high'))
    assert.ok(oab.some((f) => /Download failed and temporary file/.test(f.evidence)))
  })

  it('shows the web-shell requests from the second actor', () => {
    for (const url of [
      '/owa/auth/RedirSuiteServerProxy.aspx',
      '/aspnet_client/system_web/supp0rt.aspx',
    ]) {
      const use = where(
        r,
        (f) =>
          f.category === 'webshell' &&
          f.source.line !== undefined &&
          f.indicators.paths.includes(url),
      )
      assert.ok(use.length > 0, `no web-shell use of ${url}\n${brief(r)}`)
      assert.ok(use.every((f) => f.indicators.ips.includes(SHELL_IP)))
    }
  })

  it('reports each planted shell file as a webshell with file facts and its requests related', () => {
    const byId = new Map(r.findings.map((f) => [f.id, f]))
    for (const shell of SHELLS) {
      const hits = where(r, (f) => f.source.path.endsWith(shell) && f.file !== undefined)
      assert.ok(hits.length > 0, `no file finding for ${shell}\n${brief(r)}`)
      const f = hits.find((h) => h.category === 'webshell')
      assert.ok(f, `${shell} is not categorised webshell`)
      assert.ok(f.severity === 'high' || f.severity === 'critical')
      assert.equal(
        f.file?.size,
        statSync(
          join(
            DEMO,
            'C',
            shell.startsWith('inetpub') ? '' : 'Program Files/Microsoft/Exchange Server/V15',
            shell,
          ),
        ).size,
      )
      assert.match(f.file?.sha256 ?? '', /^[0-9a-f]{64}$/)
      const related = (f.related ?? []).map((id) => byId.get(id))
      assert.ok(related.length > 0, `${shell} has no related findings`)
      const urlName = shell.slice(shell.lastIndexOf('/'))
      assert.ok(
        related.some(
          (x) =>
            x?.source.line !== undefined && x.indicators.paths.some((p) => p.endsWith(urlName)),
        ),
        `${shell}: no related log finding requesting it`,
      )
    }
  })

  it('has timeline entries per actor and per phase', () => {
    const actors = new Map(r.timeline.filter((t) => t.kind === 'actor').map((t) => [t.key, t]))
    const phases = new Map(r.timeline.filter((t) => t.kind === 'phase').map((t) => [t.key, t]))
    for (const ip of [SSRF_IP, SHELL_IP]) {
      const a = actors.get(ip)
      assert.ok(a, `no actor entry for ${ip}`)
      assert.ok(a.count > 0 && a.first <= a.last)
    }
    assert.ok(
      actors.get(SSRF_IP)!.first < actors.get(SHELL_IP)!.first,
      'SSRF comes before shell use',
    )
    assert.equal(actors.get(SSRF_IP)?.severity, 'critical')
    for (const p of ['initial-access', 'persistence']) assert.ok(phases.has(p), `no phase ${p}`)
    assert.ok(phases.get('initial-access')!.first.startsWith('2021-03-0'))
  })

  it('reports the exposure: build 15.1.2176.2 missing the ProxyLogon fix', () => {
    assert.ok(r.exposure, 'no exposure')
    assert.equal(r.exposure.build, '15.1.2176.2')
    assert.ok(r.exposure.missing.some((m) => m.cve === 'CVE-2021-26855'))
  })
})

describe('exhunt hunt on the demo zipped', () => {
  it('gives the same verdict and rules, with paths shown as x.zip!entry', async () => {
    const [dir, zipped] = await Promise.all(runs())
    const z = zipped.report
    assert.equal(zipped.code, 1, zipped.stderr)
    assert.equal(z.input.kind, 'zip')
    assert.equal(z.verdict, 'compromised', brief(z))
    assert.deepEqual([...rulesOf(z)].sort(), [...rulesOf(dir.report)].sort())
    assert.ok(
      z.findings.every((f) => f.source.path.startsWith('EXCH01-triage.zip!C/')),
      brief(z),
    )
    assert.ok(
      z.findings.some(
        (f) =>
          f.source.path ===
          `EXCH01-triage.zip!C/inetpub/wwwroot/aspnet_client/system_web/supp0rt.aspx`,
      ),
    )
    assert.deepEqual(z.errors, [])
  })
})
