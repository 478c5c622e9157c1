// Tunnels, encrypted loaders and VB.NET command pages (test/fixtures/shells, written for these tests) and
// the ProxyShell VB.NET shell of the corpus: found by what they do, under any name, in any web folder,
// whatever the case of their VB; ordinary pages that use sockets, crypto, reflection or processes are not.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { corpusPath, corpusSkip, REPO_ROOT } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { loadHeuristics } from '../content/webfile/load-heuristics.ts'
import { loadYara } from '../content/yara/load-yara.ts'
import { emptyBaseline } from '../detect/webfile/baseline-check.ts'
import { heuristicHits } from '../detect/webfile/heuristics.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import { severityRank } from '../shared/types.ts'
import { fileArtefact } from './scan-files.test-helper.ts'
import { type FileScanContext, scanWebFiles } from './scan-files.ts'

const CONTENT = join(REPO_ROOT, 'content')
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'shells')
const heuristics = loadHeuristics(CONTENT)

/** Heuristics only: what these pages must trip does not depend on a signature. */
function ctx(withYara = false): FileScanContext {
  return {
    yara: withYara
      ? loadYara(CONTENT)
      : { ...loadYara(CONTENT, [], { compile: false }), sources: [] },
    heuristics,
    baseline: emptyBaseline(),
    maxFileBytes: 32 * 1024 * 1024,
  }
}

async function scan(
  files: { fsPath: string; windowsPath?: string }[],
  c = ctx(),
): Promise<{ findings: Finding[]; errors: ItemError[] }> {
  const findings: Finding[] = []
  const errors: ItemError[] = []
  await scanWebFiles(
    files.map((f) => fileArtefact(f.fsPath, f.windowsPath ?? f.fsPath, f.windowsPath)),
    c,
    { finding: (f) => findings.push(f), error: (e) => errors.push(e) },
  )
  return { findings, errors }
}

const heuristicIds = (f: Finding | undefined): string[] =>
  (f?.reasons ?? []).flatMap((r) => /\[heuristic ([\w-]+)\]/.exec(r)?.[1] ?? [])

describe('tunnel pages, encrypted loaders and VB.NET command pages', () => {
  const expected: Record<string, string> = {
    'relay.aspx': 'exh-web-socket-tunnel',
    'relay-vb.ashx': 'exh-web-socket-tunnel',
    'loader-aes.ashx': 'exh-web-decrypt-load-code',
    'loader-xor-vb.aspx': 'exh-web-decrypt-load-code',
    'textbox-cmd-vb.aspx': 'exh-web-process-start-request',
  }

  test('each malicious fixture is a high finding from the heuristic that describes it', async () => {
    const names = readdirSync(join(FIXTURES, 'malicious')).sort()
    assert.deepEqual(names, Object.keys(expected).sort())
    const { findings, errors } = await scan(
      names.map((n) => ({ fsPath: join(FIXTURES, 'malicious', n) })),
    )
    assert.deepEqual(errors, [])
    for (const n of names) {
      const f = findings.find((x) => x.source.path.endsWith(`/${n}`))
      assert.ok(f, `${n}: no finding`)
      assert.equal(f.severity, 'high', n)
      assert.equal(f.category, 'webshell', n)
      assert.ok(heuristicIds(f).includes(expected[n] as string), `${n}: ${heuristicIds(f)}`)
    }
  })

  test('ordinary pages with sockets, decryption, plug-in loading or processes stay below medium', async () => {
    const dir = join(FIXTURES, 'benign')
    const { findings, errors } = await scan(
      readdirSync(dir).map((n) => ({ fsPath: join(dir, n) })),
      ctx(true),
    )
    assert.deepEqual(errors, [])
    const loud = findings.filter((f) => severityRank(f.severity) >= severityRank('medium'))
    assert.deepEqual(
      loud.map((f) => `${f.source.path}: ${f.rule}`),
      [],
    )
  })

  test('a UTF-16 copy of a VB page is found too (the prefilter reads the decoded text there)', async () => {
    const dir = tmpDir()
    const text = readFileSync(join(FIXTURES, 'malicious', 'textbox-cmd-vb.aspx'), 'utf8')
    const p = join(dir, 'u.aspx')
    writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))
    const { findings } = await scan([{ fsPath: p }])
    assert.ok(heuristicIds(findings[0]).includes('exh-web-process-start-request'))
  })
})

describe('the ProxyShell VB.NET shell of the corpus', { skip: corpusSkip }, () => {
  const shell = corpusPath('logs/proxyshell-blog-excerpts-unverified/webshell_vb_process_exec.aspx')

  test('is a high command-execution finding under any name in any web folder', async () => {
    const where = [
      'C:\\inetpub\\wwwroot\\aspnet_client\\x.aspx',
      'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\y.aspx',
      'D:\\Sites\\intranet-7f3a\\content\\img\\thumb_0042.aspx',
    ]
    const { findings, errors } = await scan(where.map((w) => ({ fsPath: shell, windowsPath: w })))
    assert.deepEqual(errors, [])
    for (const w of where) {
      const f = findings.find((x) => x.source.path === w)
      assert.ok(f, `${w}: not found`)
      assert.equal(f.severity, 'high')
      assert.equal(f.outcome, 'success')
      assert.ok(heuristicIds(f).includes('exh-web-process-start-request'), w)
    }
  })

  test('whatever the case of its VB', async () => {
    const dir = tmpDir()
    const text = readFileSync(shell, 'utf8')
    const upper = join(dir, 'UP.ASPX')
    const lower = join(dir, 'low.aspx')
    writeFileSync(upper, text.toUpperCase())
    writeFileSync(lower, text.toLowerCase())
    const { findings } = await scan([{ fsPath: upper }, { fsPath: lower }])
    assert.equal(findings.length, 2)
    for (const f of findings) assert.ok(heuristicIds(f).includes('exh-web-process-start-request'))
  })
})

describe('crafted pages against the new heuristics', () => {
  test('each costs well under a second and a half (bounded windows, size guards)', () => {
    const N = 260_000
    const crafted: Record<string, string> = {
      xor: `Request["a"] Assembly.Load(${'a^b[i%'.repeat(N / 6)}`,
      decrypt: `Request["a"] Assembly.Load(${'CreateDecryptor('.repeat(N / 16)}`,
      load: `Request["a"] CreateDecryptor(${'Assembly.Load('.repeat(N / 14)}`,
      start: `new Process()\n${'Process.Start('.repeat(N / 14)}`,
      session: `new Socket( .Connect( .Send( .Receive( Request.Form ${'CType(Session(x'.repeat(N / 16)}`,
    }
    for (const [k, text] of Object.entries(crafted)) {
      const bytes = Buffer.from(text)
      const file = { path: 'a.aspx', ext: 'aspx', name: 'a.aspx', size: bytes.length }
      const t = performance.now()
      heuristicHits(heuristics, { file, bytes, text, lower: text.toLowerCase(), utf8: true })
      const ms = performance.now() - t
      assert.ok(ms < 1500, `${k}: ${ms.toFixed(0)} ms`)
    }
  })
})
