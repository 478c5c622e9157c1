// The worker path must find exactly what the in-thread path finds, file for file.
import assert from 'node:assert/strict'
import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { CORPUS, corpusPath, corpusSkip, REPO_ROOT } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { loadBaselines } from '../content/baseline/load-baseline.ts'
import { loadHeuristics } from '../content/webfile/load-heuristics.ts'
import { loadYara } from '../content/yara/load-yara.ts'
import { emptyBaseline } from '../detect/webfile/baseline-check.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import { fileArtefact } from './scan-files.test-helper.ts'
import { scanWebFiles } from './scan-files.ts'
import { createWebPool, scanWebFilesInWorkers, webFileJobs } from './webfile-pool.ts'

const CONTENT = join(REPO_ROOT, 'content')

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile() && !p.endsWith('MANIFEST.csv'))
    .sort()
}

const key = (f: Finding) => `${f.source.path} ${f.rule} ${f.severity} ${f.reasons?.length}`

test('batches close at 64 files and never split a file', () => {
  const d = tmpDir()
  const arts = Array.from({ length: 130 }, (_, i) => {
    const p = join(d, `f${i}.aspx`)
    writeFileSync(p, 'x')
    return fileArtefact(p, `f${i}.aspx`)
  })
  assert.deepEqual(
    webFileJobs(arts).map((j) => j.items.length),
    [64, 64, 2],
  )
})

test('a worker that cannot start leaves its batches to the caller, with one error', async () => {
  const d = tmpDir()
  const bad = join(d, 'bad-worker.mjs')
  writeFileSync(bad, "throw new Error('boom')\n")
  const arts = Array.from({ length: 70 }, (_, i) => {
    const p = join(d, `f${i}.aspx`)
    writeFileSync(p, 'x')
    return fileArtefact(p, `f${i}.aspx`)
  })
  const errors: ItemError[] = []
  const r = await scanWebFilesInWorkers(
    arts,
    {
      yaraSources: [],
      yaraRules: new Map(),
      yaraFilters: [],
      heuristics: { rules: [] },
      baseline: emptyBaseline(),
      iocs: [],
      maxFileBytes: 1024,
    },
    { finding: () => {}, error: (e) => errors.push(e) },
    2,
    pathToFileURL(bad),
  )
  assert.equal(r.files, 0)
  assert.equal(r.left.length, 70)
  assert.deepEqual(
    errors.map((e) => e.code),
    ['EXH_ERR_WORKER'],
  )
})

test('two workers find the same as this thread on the web-shell corpus (malicious dev + benign)', {
  skip: corpusSkip,
}, async () => {
  const files = [
    ...walk(corpusPath('webshells/malicious/dev')),
    ...walk(corpusPath('webshells/benign')),
  ]
  const arts = files.map((f) => fileArtefact(f, relative(CORPUS, f)))
  arts.push(fileArtefact(join(tmpDir(), '..'), 'not-a-file'))
  const yara = loadYara(CONTENT, [], { compile: false })
  const heuristics = loadHeuristics(CONTENT)
  const { baseline } = loadBaselines([
    corpusPath('webshells/benign/exchange-known-good-hashes_nccgroup'),
  ])
  const here = { findings: [] as Finding[], errors: [] as ItemError[] }
  const hereStats = await scanWebFiles(
    arts,
    { yara, heuristics, baseline, maxFileBytes: 32 << 20 },
    { finding: (f) => here.findings.push(f), error: (e) => here.errors.push(e) },
  )
  const pooled = { findings: [] as Finding[], errors: [] as ItemError[] }
  const poolStats = await scanWebFilesInWorkers(
    arts,
    {
      yaraSources: yara.sources,
      yaraRules: yara.rules,
      yaraFilters: yara.filters,
      heuristics,
      baseline,
      iocs: [],
      maxFileBytes: 32 << 20,
    },
    { finding: (f) => pooled.findings.push(f), error: (e) => pooled.errors.push(e) },
    2,
  )
  assert.ok(here.findings.length >= 82)
  assert.deepEqual(pooled.findings.map(key).sort(), here.findings.map(key).sort())
  assert.deepEqual(poolStats, { ...hereStats, left: [] })
  // A directory where a file was: the worker's read-only open says so; the stream path sees EISDIR.
  assert.deepEqual(
    pooled.errors.map((e) => [e.code, e.path]),
    [['EXH_ERR_NOT_REGULAR', 'not-a-file']],
  )
  assert.deepEqual(
    here.errors.map((e) => e.path),
    ['not-a-file'],
  )
})

test('workers scan an oversized page in part, exactly as this thread does', async () => {
  const d = tmpDir()
  const p = join(d, 'big.aspx')
  writeFileSync(p, `<%@ Page Language="C#" %>${' '.repeat(5000)}`)
  const arts = [fileArtefact(p, 'inetpub/wwwroot/aspnet_client/big.aspx')]
  const yara = loadYara(CONTENT, [], { compile: false })
  const heuristics = loadHeuristics(CONTENT)
  const data = {
    yaraSources: yara.sources,
    yaraRules: yara.rules,
    yaraFilters: yara.filters,
    heuristics,
    baseline: emptyBaseline(),
    iocs: [],
    maxFileBytes: 1024,
  }
  const here = { findings: [] as Finding[], errors: [] as ItemError[] }
  await scanWebFiles(
    arts,
    { yara, heuristics, baseline: emptyBaseline(), maxFileBytes: 1024 },
    { finding: (f) => here.findings.push(f), error: (e) => here.errors.push(e) },
  )
  const pooled = { findings: [] as Finding[], errors: [] as ItemError[] }
  await scanWebFilesInWorkers(
    arts,
    data,
    { finding: (f) => pooled.findings.push(f), error: (e) => pooled.errors.push(e) },
    2,
  )
  assert.equal(pooled.findings[0]?.rule, 'exh-web-oversized-server-page')
  assert.equal(pooled.findings[0]?.file?.headBytes, 1024)
  assert.deepEqual(pooled.findings.map(key), here.findings.map(key))
  assert.deepEqual(pooled.errors, here.errors)
})

test('a batch over its limit: its files get EXH_ERR_JOB_TIMEOUT, the worker is replaced, the pool goes on', async () => {
  const d = tmpDir()
  const arts = Array.from({ length: 64 }, (_, i) => {
    const p = join(d, `f${i}.aspx`)
    writeFileSync(p, `<%@ Page Language="C#" %><p>${i}</p>`)
    return fileArtefact(p, `f${i}.aspx`)
  })
  const yara = loadYara(CONTENT, [], { compile: false })
  const data = {
    yaraSources: yara.sources,
    yaraRules: yara.rules,
    yaraFilters: yara.filters,
    heuristics: loadHeuristics(CONTENT),
    baseline: emptyBaseline(),
    iocs: [],
    maxFileBytes: 1024,
  }
  const pool = createWebPool(1)
  try {
    const errors: ItemError[] = []
    // 1 ms from the moment the batch is sent (the compile is done by then): 64 reads and scans take longer.
    const r = await scanWebFilesInWorkers(
      arts,
      data,
      { finding: () => {}, error: (e) => errors.push(e) },
      1,
      undefined,
      { pool, jobTimeoutMs: 1 },
    )
    assert.equal(r.files, 0)
    assert.deepEqual(new Set(errors.map((e) => e.code)), new Set(['EXH_ERR_JOB_TIMEOUT']))
    assert.equal(errors.length, 64, 'one entry per file of the batch')
    const again = await scanWebFilesInWorkers(
      arts,
      data,
      { finding: () => {}, error: () => {} },
      1,
      undefined,
      { pool },
    )
    assert.equal(again.files, 64)
    assert.equal(pool.stats().spawned, 2)
    assert.equal(pool.stats().compiles, 2, 'the replacement compiled the content once')
  } finally {
    await pool.close()
  }
})
