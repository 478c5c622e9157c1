// `exhunt content lint`: 0 on the shipped content; 1 on a broken copy, naming every problem's file and field.
import assert from 'node:assert/strict'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { runCli } from './cli.ts'

const LEVEL_RULE = 'rules/native/cmdlet/exh-cmdlet-mailbox-export.yml'
const TITLE_RULE = 'rules/native/oab/exh-oab-proxylogon-download-failed.yml'

function edit(root: string, rel: string, from: RegExp, to: string): void {
  const p = join(root, rel)
  const text = readFileSync(p, 'utf8')
  assert.match(text, from, `${rel} no longer has ${from}; pick another rule to break`)
  writeFileSync(p, text.replace(from, to))
}

function brokenContent(): string {
  const root = join(tmpDir('exhunt-e2e-content-'), 'content')
  cpSync(join(REPO_ROOT, 'content'), root, { recursive: true })
  edit(root, LEVEL_RULE, /^level: \w+$/m, 'level: severe')
  edit(root, TITLE_RULE, /^title: .*$/m, '')
  return root
}

describe('exhunt content lint', () => {
  it('exits 0 on the shipped content', async () => {
    const r = await runCli(['content', 'lint'])
    assert.equal(r.code, 0, r.stdout)
    assert.match(r.stdout, /\b0 errors\b/)
    assert.match(r.stdout, /\(0 failed\)/)
  })

  it('exits 1 on a broken copy and names each file and field', async () => {
    const root = brokenContent()
    const [text, json] = await Promise.all([
      runCli(['content', 'lint', '--content', root]),
      runCli(['content', 'lint', '--content', root, '--json']),
    ])
    assert.equal(text.code, 1, text.stdout)
    assert.match(text.stdout, new RegExp(`^error: ${LEVEL_RULE}: level: .*severe`, 'm'))
    assert.match(text.stdout, new RegExp(`^error: ${TITLE_RULE}: title`, 'm'))
    assert.equal(json.code, 1)
    const report = JSON.parse(json.stdout) as {
      ok: boolean
      issues: { file: string; path: string; severity: string }[]
    }
    assert.equal(report.ok, false)
    const errors = report.issues.filter((i) => i.severity === 'error')
    assert.ok(
      errors.some((i) => i.file === LEVEL_RULE && i.path === 'level'),
      json.stdout,
    )
    assert.ok(
      errors.some((i) => i.file === TITLE_RULE && i.path === 'title'),
      json.stdout,
    )
  })
})

describe('exhunt content lint on CVE and advice files', () => {
  function copy(): string {
    const root = join(tmpDir('exhunt-e2e-content-'), 'content')
    cpSync(join(REPO_ROOT, 'content'), root, { recursive: true })
    return root
  }

  it('fails on a CVE family file with a bad date, a non-CVE id and a missing field', async () => {
    const root = copy()
    edit(root, 'cves/proxylogon.yml', /^first_exploited: .*$/m, 'first_exploited: early 2021')
    edit(root, 'cves/proxyshell.yml', /^cves: \[/m, 'cves: [CVE-21-1, ')
    edit(root, 'cves/owassrf.yml', /^patched: .*$/m, '')
    const r = await runCli(['content', 'lint', '--content', root])
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stdout, /^error: cves\/proxylogon\.yml: first_exploited: .*early 2021/m)
    assert.match(r.stdout, /^error: cves\/proxyshell\.yml: cves\[0\]: 'CVE-21-1' is not a CVE id/m)
    assert.match(r.stdout, /^error: cves\/owassrf\.yml: patched: patched is required/m)
    assert.doesNotMatch(r.stdout, /\b0 errors\b/)
  })

  it('fails on a next-steps.yml that is not YAML, and on one that leaves a verdict without steps', async () => {
    const root = copy()
    writeFileSync(join(root, 'advice/next-steps.yml'), 'compromised: [\n  steps: :\n')
    const bad = await runCli(['content', 'lint', '--content', root])
    assert.equal(bad.code, 1, bad.stdout)
    assert.match(bad.stdout, /^error: advice\/next-steps\.yml: not YAML/m)

    const partial = copy()
    edit(partial, 'advice/next-steps.yml', /^clean:\n(?: .*\n)+/m, '')
    const r = await runCli(['content', 'lint', '--content', partial])
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stdout, /^error: advice\/next-steps\.yml: clean: no steps/m)
  })
})

describe('broken content in a hunt', () => {
  it('is reported in errors[] (also with --only logs) and the hunt goes on', async () => {
    const root = brokenContent()
    const csv = join(root, 'ioc', 'exchange-iocs.csv')
    writeFileSync(
      csv,
      `${readFileSync(csv, 'utf8')}not-an-address,ipv4,medium,volexity-exchange-marauder,\n`,
    )
    const out = join(tmpDir('exhunt-e2e-broken-'), 'r.json')
    const r = await runCli([
      'hunt',
      join(REPO_ROOT, 'demo', 'evidence'),
      '--only',
      'logs',
      '--content',
      root,
      '--format',
      'json',
      '-o',
      out,
    ])
    assert.equal(r.code, 1, r.stderr)
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      verdict: string
      errors: { code: string; path: string }[]
    }
    const content = report.errors.filter((e) => e.code === 'EXH_ERR_CONTENT').map((e) => e.path)
    assert.ok(
      content.some((p) => p.endsWith('exchange-iocs.csv')),
      JSON.stringify(report.errors),
    )
    assert.ok(
      content.some((p) => p.includes('exh-cmdlet-mailbox-export')),
      JSON.stringify(report.errors),
    )
    assert.equal(report.verdict, 'compromised')
  })
})
