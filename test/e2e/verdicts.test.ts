// The verdicts that are not "something happened" (issue 12 §3-4), through the real CLI: evidence with
// nothing to examine is `no-evidence` with exit 3 and says so in every format, a file to review alone is
// `suspicious`, and content without `proves` fails lint.
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { before, describe, it } from 'node:test'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { brief, type CliResult, type HuntRun, huntJson, runCli } from './cli.ts'

function put(root: string, rel: string, data: string | Buffer): string {
  const p = join(root, rel)
  mkdirSync(dirname(p), { recursive: true })
  writeFileSync(p, data)
  return root
}

describe('evidence with nothing to examine', () => {
  let empty: HuntRun
  let readme: HuntRun
  let evtx: HuntRun
  let text: CliResult
  let ndjson: CliResult
  let html: CliResult
  let csv: CliResult
  before(async () => {
    const emptyDir = tmpDir('exhunt-e2e-empty-')
    const readmeDir = put(tmpDir('exhunt-e2e-readme-'), 'README.txt', 'Collected from EXCH01\n')
    const evtxDir = put(
      tmpDir('exhunt-e2e-evtx-'),
      'C/Windows/System32/winevt/Logs/Security.evtx',
      Buffer.concat([Buffer.from('ElfFile\0'), Buffer.alloc(4088)]),
    )
    ;[empty, readme, evtx, text, ndjson, html, csv] = await Promise.all([
      huntJson(emptyDir),
      huntJson(readmeDir),
      huntJson(evtxDir),
      runCli(['hunt', emptyDir, '--no-progress']),
      runCli(['hunt', emptyDir, '--no-progress', '--format', 'ndjson']),
      runCli(['hunt', emptyDir, '--no-progress', '--format', 'html']),
      runCli(['hunt', emptyDir, '--no-progress', '--format', 'csv']),
    ])
  })

  it('an empty folder is no-evidence with exit 3, never clean with exit 0', () => {
    assert.equal(empty.report.verdict, 'no-evidence', brief(empty.report))
    assert.equal(empty.code, 3, empty.stderr)
    assert.match(empty.report.verdictReasons[0] as string, /empty/)
    assert.ok(empty.report.verdictReasons.some((r) => /^Collect the Exchange logs/.test(r)))
  })

  it('a folder with only a README is no-evidence: a text file is not a server', () => {
    assert.equal(readme.report.verdict, 'no-evidence', brief(readme.report))
    assert.equal(readme.code, 3)
    assert.match(readme.report.verdictReasons[0] as string, /of 1 file found, none is/)
  })

  it('only event logs: no-evidence, and the reasons say they were found but not read', () => {
    assert.equal(evtx.report.verdict, 'no-evidence', brief(evtx.report))
    assert.equal(evtx.code, 3)
    assert.ok(
      evtx.report.verdictReasons.some((r) =>
        /^1 event log file \(4\.\d KB\) found but not read: .*Security\.evtx/.test(r),
      ),
      evtx.report.verdictReasons.join('\n'),
    )
  })

  it('says no-evidence in its own words in text, NDJSON, HTML, and exits 3 with CSV too', () => {
    assert.equal(text.code, 3)
    assert.match(
      text.stdout,
      / NO-EVIDENCE +Nothing examined could show exploitation; this is not a clean result/,
    )
    assert.match(text.stdout, /This is not a clean result/)
    assert.equal(ndjson.code, 3)
    const summary = JSON.parse(ndjson.stdout.trim().split('\n').at(-1) as string)
    assert.equal(summary.type, 'summary')
    assert.equal(summary.verdict, 'no-evidence')
    assert.ok(summary.reasons.length > 0)
    assert.equal(html.code, 3)
    assert.match(html.stdout, /<header class="banner v-no-evidence">/)
    assert.match(html.stdout, /<h1>NO-EVIDENCE<\/h1>/)
    assert.equal(csv.code, 3, 'the CSV has no verdict column: the exit code carries it')
  })
})

describe('a file to review and nothing else', () => {
  let run: HuntRun
  before(async () => {
    // A plain page where Exchange and IIS never put one: exh-web-script-in-unexpected-place
    // (proves: suspicion). It does nothing a shell does, so nothing proves compromise.
    const root = put(
      tmpDir('exhunt-e2e-suspicious-'),
      'C/inetpub/wwwroot/aspnet_client/system_web/status.aspx',
      '<%@ Page Language="C#" %>\r\n<html><body><p>Service status: OK</p></body></html>\r\n',
    )
    run = await huntJson(root)
  })

  it('is suspicious, names the file to review, and exits 1 on its medium finding', () => {
    const r = run.report
    assert.equal(r.verdict, 'suspicious', brief(r))
    const f = r.findings.find((x) => x.source.path.endsWith('status.aspx'))
    assert.ok(f, brief(r))
    assert.equal(f.proves, 'suspicion')
    assert.ok(r.findings.every((x) => x.proves !== 'compromise' && x.proves !== 'attempt'))
    assert.match(
      r.verdictReasons[0] as string,
      /^Review C\/inetpub\/wwwroot\/aspnet_client\/system_web\/status\.aspx: /,
    )
    assert.equal(run.code, 1, 'a medium finding still fails the default --fail-on')
  })
})

describe('exhunt content lint without proves', () => {
  it('fails and names each rule and what to add', async () => {
    const root = join(tmpDir('exhunt-e2e-noproves-'), 'content')
    cpSync(join(REPO_ROOT, 'content'), root, { recursive: true })
    const drop = (rel: string, re: RegExp) => {
      const p = join(root, rel)
      const before = readFileSync(p, 'utf8')
      assert.match(before, re, `${rel} no longer has ${re}`)
      writeFileSync(p, before.replace(re, ''))
    }
    const NATIVE = 'rules/native/httpproxy/exh-httpproxy-proxylogon-ssrf.yml'
    const WEB = 'rules/webfile/exh-web-eval-request-input.yml'
    const ART = 'rules/artefacts/exh-art-lsass-dump-name.yml'
    drop(NATIVE, /^proves: .*\n/m)
    drop(WEB, /^proves: .*\n/m)
    drop(ART, /^proves: .*\n/m)
    // The Volexity file's only entry, and what IP indicators prove.
    drop('rules/yara/vendored-proves.yml', /^- file: volexity\/[\s\S]*$/m)
    drop('ioc/proves.yml', /^ {2}ipv4: .*\n/m)
    const r = await runCli(['content', 'lint', '--content', root, '--json'])
    assert.equal(r.code, 1, r.stdout)
    const issues = (
      JSON.parse(r.stdout) as {
        issues: { file: string; path: string; message: string; severity: string }[]
      }
    ).issues.filter((i) => i.severity === 'error')
    const about = (file: string) => issues.find((i) => i.file === file || i.message.includes(file))
    for (const f of [NATIVE, ART]) {
      assert.equal(about(f)?.path, 'proves', JSON.stringify(issues))
      assert.match(
        about(f)?.message ?? '',
        /add 'proves: context \| suspicion \| attempt \| compromise'/,
      )
    }
    assert.ok(
      issues.some((i) => i.file === WEB && /proves is missing/.test(i.message)),
      JSON.stringify(issues),
    )
    assert.ok(
      issues.some(
        (i) =>
          i.file === 'rules/yara/vendored-proves.yml' &&
          i.path.startsWith('volexity/volexity-exchange-marauder.yar: ') &&
          /no entry declares what vendored rule/.test(i.message),
      ),
      JSON.stringify(issues),
    )
    assert.ok(
      issues.some((i) => i.file === 'ioc/proves.yml' && i.path === 'types.ipv4'),
      JSON.stringify(issues),
    )
  })
})
