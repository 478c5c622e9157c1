// Compiled ASP.NET pages in Temporary ASP.NET Files through the real CLI: the App_Web_*.dll of a deleted
// command shell and its .compiled record are reported with the page they came from; an ordinary compiled
// page stays below medium.
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { iisHeader, iisLine } from '../fixtures/busy-clean/formats.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { huntJson } from './cli.ts'

const FIX = join(REPO_ROOT, 'test', 'fixtures', 'clr')

describe('exhunt hunt on Temporary ASP.NET Files', () => {
  it('reports a compiled command shell with its source page, and its .compiled record', async () => {
    const root = tmpDir('tempasp')
    const dir = join(
      root,
      'C/Windows/Microsoft.NET/Framework64/v4.0.30319/Temporary ASP.NET Files/root/5b0c8c9e/8f2a41d3',
    )
    mkdirSync(dir, { recursive: true })
    copyFileSync(join(FIX, 'App_Web_shellpage.dll'), join(dir, 'App_Web_errorff.aspx.cdcab7d2.dll'))
    copyFileSync(join(FIX, 'App_Web_plainpage.dll'), join(dir, 'App_Web_hello.aspx.cdcab7d2.dll'))
    writeFileSync(
      join(dir, 'errorff.aspx.cdcab7d2.compiled'),
      '<?xml version="1.0" encoding="utf-8"?>\r\n<preserve resultType="3" virtualPath="/aspnet_client/system_web/errorFF.aspx" hash="fffffff8f1e0b2c1" filehash="4f9c0f2a1a4c7d12" flags="110000" assembly="App_Web_errorff.aspx.cdcab7d2" type="ASP.aspnet_client_system_web_errorff_aspx">\r\n    <filedeps>\r\n        <filedep name="/aspnet_client/system_web/errorFF.aspx" />\r\n    </filedeps>\r\n</preserve>\r\n',
    )
    // The deleted shell's requests in the IIS log: the compiled page links to them by its URL path.
    const logs = join(root, 'C/inetpub/logs/LogFiles/W3SVC1')
    mkdirSync(logs, { recursive: true })
    const get = (time: string) =>
      iisLine({
        time,
        method: 'POST',
        stem: '/aspnet_client/system_web/errorFF.aspx',
        ip: '203.0.113.77',
        ua: 'Mozilla/5.0',
        status: 200,
      })
    writeFileSync(
      join(logs, 'u_ex210303.log'),
      `${iisHeader('2021-03-03 00:00:00')}${get('2021-03-03 06:40:01')}\r\n${get('2021-03-03 06:41:09')}\r\n`,
    )
    const run = await huntJson(root)
    assert.equal(run.code, 1, run.stderr)
    const r = run.report
    const by = (name: string) => r.findings.find((f) => f.source.path.endsWith(name))
    const dll = by('App_Web_errorff.aspx.cdcab7d2.dll')
    assert.ok(dll, JSON.stringify(r.findings.map((f) => f.source.path)))
    assert.equal(dll.severity, 'high')
    const rules = dll.fields?.rules ?? ''
    assert.match(rules, /exh-web-compiled-page-shell-apis/)
    assert.match(rules, /exh-web-compiled-page-from-aspnet-client/)
    assert.equal(dll.fields?.compiledFrom, '~/aspnet_client/system_web/errorFF.aspx')
    assert.ok(
      dll.reasons?.some((x) => x.includes('from the page ~/aspnet_client/system_web/errorFF.aspx')),
    )
    assert.ok(
      dll.reasons?.some((x) => x.includes('first requested 2021-03-03T06:40:01Z by 203.0.113.77')),
      JSON.stringify(dll.reasons),
    )
    assert.ok(dll.indicators.paths.includes('/aspnet_client/system_web/errorFF.aspx'))
    const rec = by('errorff.aspx.cdcab7d2.compiled')
    assert.equal(rec?.rule, 'exh-web-compiled-page-from-aspnet-client')
    const plain = by('App_Web_hello.aspx.cdcab7d2.dll')
    assert.ok(!plain || !['medium', 'high', 'critical'].includes(plain.severity), plain?.rule)
    assert.equal(r.verdict, 'compromised')
  })
})
