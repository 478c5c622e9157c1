// The shells issue 12 names, through the real CLI: the corpus VB.NET shell in an ordinary site folder, a
// socket-relay tunnel page and a 40 MB padded shell in aspnet_client each make the verdict `compromised` for the
// right reason (the heuristic that describes them); an oversized page with nothing else is `suspicious`.
import assert from 'node:assert/strict'
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import type { Finding, HuntReport } from '../../src/shared/types.ts'
import { corpusPath, corpusSkip, REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { brief, huntJson } from './cli.ts'

const SHELLS = join(REPO_ROOT, 'test', 'fixtures', 'shells', 'malicious')
const VB_SHELL = 'logs/proxyshell-blog-excerpts-unverified/webshell_vb_process_exec.aspx'
// The coordinator tightens this once `suspicious` exists; never clean, exposed or no-evidence.

function place(root: string, rel: string, from: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  copyFileSync(from, join(root, rel))
}

/** A page of `size` bytes: an ASP.NET comment of `fill` bytes first, then the shell. */
function padded(path: string, shell: Buffer, size: number, fill = 0x41): void {
  mkdirSync(dirname(path), { recursive: true })
  const fd = openSync(path, 'w')
  try {
    const open = Buffer.from('<%-- ')
    const close = Buffer.from(' --%>\r\n')
    writeSync(fd, open)
    const chunk = Buffer.alloc(1 << 20, fill)
    let left = size - open.length - close.length - shell.length
    while (left > 0) left -= writeSync(fd, chunk, 0, Math.min(left, chunk.length))
    writeSync(fd, close)
    writeSync(fd, shell)
  } finally {
    closeSync(fd)
  }
}

function findingAt(report: HuntReport, suffix: string): Finding | undefined {
  return report.findings.find((f) => f.source.path.endsWith(suffix))
}

const heuristicsOf = (f: Finding | undefined) =>
  (f?.reasons ?? []).flatMap((r) => /\[heuristic ([\w-]+)\]/.exec(r)?.[1] ?? [])

describe('exhunt hunt finds the shells the scan used to miss', () => {
  it('the corpus VB.NET shell in an ordinary site folder, by what it does', {
    skip: corpusSkip,
  }, async () => {
    const root = tmpDir('vbshell')
    place(root, 'inetpub/wwwroot/intranet/App_Themes/Blue/thumb_0042.aspx', corpusPath(VB_SHELL))
    const { report, code } = await huntJson(root)
    assert.equal(report.verdict, 'compromised', brief(report))
    assert.equal(code, 1)
    const f = findingAt(report, 'thumb_0042.aspx')
    assert.equal(f?.severity, 'high', brief(report))
    assert.ok(heuristicsOf(f).includes('exh-web-process-start-request'), brief(report))
  })

  it('a socket-relay tunnel page, whatever its name', async () => {
    const root = tmpDir('tunnel')
    place(root, 'inetpub/wwwroot/portal/scripts/jquery.min.aspx', join(SHELLS, 'relay.aspx'))
    place(root, 'inetpub/wwwroot/portal/api/status.ashx', join(SHELLS, 'relay-vb.ashx'))
    const { report, code } = await huntJson(root)
    assert.equal(report.verdict, 'compromised', brief(report))
    assert.equal(code, 1)
    for (const name of ['jquery.min.aspx', 'status.ashx']) {
      const f = findingAt(report, name)
      assert.equal(f?.severity, 'high', brief(report))
      assert.ok(heuristicsOf(f).includes('exh-web-socket-tunnel'), brief(report))
    }
  })

  it('a 40 MB padded shell in aspnet_client: head hash, IOC checks and "too large to scan"', {
    timeout: 120_000,
  }, async () => {
    const root = tmpDir('padded')
    const shell = readFileSync(join(SHELLS, 'textbox-cmd-vb.aspx'))
    const rel = 'inetpub/wwwroot/aspnet_client/system_web/errorEE.aspx'
    padded(join(root, rel), shell, 40 * 1000 * 1000)
    const { report, code } = await huntJson(root)
    assert.equal(report.verdict, 'compromised', brief(report))
    assert.equal(code, 1)
    const f = findingAt(report, 'errorEE.aspx')
    assert.ok(f, brief(report))
    assert.ok(heuristicsOf(f).includes('exh-web-oversized-server-page'), brief(report))
    // Hash of the first bytes, labelled as such; the path indicators for aspnet_client still fire.
    assert.equal(f.file?.size, 40 * 1000 * 1000)
    assert.equal(f.file?.headBytes, 1024 * 1024)
    assert.match(f.file?.headSha256 ?? '', /^[0-9a-f]{64}$/)
    assert.equal(f.file?.sha256, undefined)
    assert.ok(f.fields?.rules?.includes('ioc:'), f.fields?.rules)
    assert.ok(report.errors.some((e) => e.code === 'EXH_ERR_FILE_TOO_LARGE'))
    // The shell sits behind the padding: the file's tail is scanned too, and its command page is found.
    assert.equal(f.severity, 'high', brief(report))
    assert.ok(heuristicsOf(f).includes('exh-web-process-start-request'), brief(report))
  })

  it('an oversized page with no indicator at all is still a medium finding on its own', async () => {
    const root = tmpDir('oversized')
    // An ordinary page, only far too big (blank padding): no shell, no indicator, still to review.
    const page = Buffer.from('<%@ Page Language="C#" %><html><body>Q3</body></html>')
    padded(join(root, 'inetpub/wwwroot/app/reports/q3.aspx'), page, 200_000, 0x20)
    const { report, code } = await huntJson(root, ['--max-file-size', '65536'])
    assert.equal(report.verdict, 'suspicious', brief(report))
    assert.equal(code, 1)
    const f = findingAt(report, 'q3.aspx')
    assert.equal(f?.rule, 'exh-web-oversized-server-page', brief(report))
    assert.equal(f?.severity, 'medium')
    assert.equal(f?.file?.headBytes, 65536)
  })
})
