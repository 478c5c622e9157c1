// Recall on the malicious dev corpus and false positives on the benign corpus, printed for the record.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import { shippedCounts } from '../../test/helpers/content-counts.ts'
import { CORPUS, corpusPath, corpusSkip, REPO_ROOT } from '../../test/helpers/corpus.ts'
import { loadBaselines } from '../content/baseline/load-baseline.ts'
import { runHeuristicTests } from '../content/webfile/heuristic-tests.ts'
import { loadHeuristics } from '../content/webfile/load-heuristics.ts'
import { loadYara } from '../content/yara/load-yara.ts'
import { emptyBaseline } from '../detect/webfile/baseline-check.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import { severityRank } from '../shared/types.ts'
import { fileArtefact } from './scan-files.test-helper.ts'
import { type FileScanContext, scanWebFiles } from './scan-files.ts'

const CONTENT = join(REPO_ROOT, 'content')

function walk(dir: string): string[] {
  const out: string[] = []
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n)
    if (statSync(p).isDirectory()) out.push(...walk(p))
    else out.push(p)
  }
  return out
}

async function scanDir(files: string[], c: FileScanContext) {
  const findings: Finding[] = []
  const errors: ItemError[] = []
  await scanWebFiles(
    files.map((f) => fileArtefact(f, relative(CORPUS, f))),
    c,
    { finding: (f) => findings.push(f), error: (e) => errors.push(e) },
  )
  return { findings, errors }
}

test('content: every heuristic passes its inline tests; every vendored YARA file compiles', () => {
  const h = loadHeuristics(CONTENT)
  assert.deepEqual(h.problems, [])
  assert.deepEqual(runHeuristicTests(h), [])
  const y = loadYara(CONTENT)
  for (const s of y.skipped) console.log(`# YARA skipped: ${s.file}: ${s.reason}`)
  assert.equal(y.files.length, shippedCounts().yaraFiles)
  assert.equal(y.rules.size, shippedCounts().yara)
})

test('recall on webshells/malicious/dev is at least the yara CLI baseline; misses are listed', {
  skip: corpusSkip,
}, async () => {
  const dir = corpusPath('webshells/malicious/dev')
  const files = walk(dir).filter((f) => !f.endsWith('MANIFEST.csv'))
  const c: FileScanContext = {
    yara: loadYara(CONTENT),
    heuristics: loadHeuristics(CONTENT),
    baseline: emptyBaseline(),
    maxFileBytes: 32 * 1024 * 1024,
  }
  const started = Date.now()
  const { findings, errors } = await scanDir(files, c)
  const hitPaths = new Set(
    findings
      .filter((f) => severityRank(f.severity) >= severityRank('medium'))
      .map((f) => f.source.path),
  )
  const misses = files.map((f) => relative(CORPUS, f)).filter((p) => !hitPaths.has(p))
  for (const m of misses) {
    const f = findings.find((x) => x.source.path === m)
    console.log(
      `# MISS ${m}: ${f ? `only ${f.severity} (${f.rule})` : 'no rule or heuristic fired'}`,
    )
  }
  // The yara CLI's matches name files by the collection they came from; dev files keep those names.
  const cli = new Set(
    readFileSync(corpusPath('rules/baseline-yara-matches.txt'), 'utf8')
      .split('\n')
      .map((l) => l.slice(l.lastIndexOf('/') + 1))
      .filter(Boolean),
  )
  const cliHits = files.filter((f) => cli.has(f.slice(f.lastIndexOf('/') + 1))).length
  const heuristicOnly = findings.filter((f) =>
    f.reasons?.some((r) => r.includes('[heuristic ')),
  ).length
  console.log(
    `# recall ${hitPaths.size}/${files.length} at medium+ (yara CLI baseline ${cliHits}/${files.length}); ` +
      `heuristics fired on ${heuristicOnly}; ${Date.now() - started} ms`,
  )
  assert.deepEqual(errors, [])
  assert.ok(hitPaths.size >= cliHits, `recall ${hitPaths.size} below the yara CLI's ${cliHits}`)
  assert.equal(misses.length, 0, `missed: ${misses.join(', ')}`)
  for (const f of findings.filter((x) => x.ruleSource.engine === 'yara')) {
    assert.ok(f.ruleSource.author && f.ruleSource.url && f.ruleSource.license, f.rule)
    assert.ok(f.reasons?.some((r) => r.includes('licence')))
  }
})

test('zero findings of medium or above on webshells/benign (all of it)', {
  skip: corpusSkip,
}, async () => {
  const files = walk(corpusPath('webshells/benign'))
  const { baseline } = loadBaselines([
    corpusPath('webshells/benign/exchange-known-good-hashes_nccgroup'),
  ])
  const c: FileScanContext = {
    yara: loadYara(CONTENT),
    heuristics: loadHeuristics(CONTENT),
    baseline,
    maxFileBytes: 32 * 1024 * 1024,
  }
  const { findings, errors } = await scanDir(files, c)
  const fps = findings.filter((f) => severityRank(f.severity) >= severityRank('medium'))
  for (const f of fps) console.log(`# FALSE POSITIVE ${f.source.path}: ${f.rule} ${f.severity}`)
  console.log(
    `# benign: ${files.length} files, ${fps.length} medium+ false positives, ${findings.length - fps.length} below medium`,
  )
  assert.deepEqual(errors, [])
  assert.equal(fps.length, 0)
})
