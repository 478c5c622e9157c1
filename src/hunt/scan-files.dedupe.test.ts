// Identical bytes at several paths: scanned once per content, one finding per path, and the rules that
// read the path still answer per path. Then the persistent result cache (--cache DIR).
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { REPO_ROOT } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { loadHeuristics } from '../content/webfile/load-heuristics.ts'
import { type CompiledYara, compileYaraSources, loadYara } from '../content/yara/load-yara.ts'
import { emptyBaseline } from '../detect/webfile/baseline-check.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import { cacheNamespace, pruneResultCache } from './result-cache.ts'
import { fileArtefact } from './scan-files.test-helper.ts'
import { type FileScanContext, scanWebFiles } from './scan-files.ts'

const CONTENT = join(REPO_ROOT, 'content')
const CHOPPER = '<%@ Page Language="Jscript"%><%eval(Request.Item["z"],"unsafe");%>'

// One rule on the bytes alone, one that also reads the file name (as THOR-style rules do).
const RULES = [
  `rule T_Content { strings: $a = "dedupe-marker" condition: $a }`,
  `private rule T_Private { strings: $a = "dedupe" condition: $a }
rule T_Path { strings: $a = "dedupe-marker" condition: $a and T_Private and filename == "evil.aspx" }`,
]

function write(dir: string, rel: string, data: string | Uint8Array): string {
  const p = join(dir, rel)
  mkdirSync(join(p, '..'), { recursive: true })
  writeFileSync(p, data)
  return p
}

/** A YARA set from `RULES` whose halves count their scans. */
function countingYara(): { yara: CompiledYara; calls: { content: number; path: number } } {
  const scanner = compileYaraSources(RULES)
  assert.ok(scanner?.pathDependent)
  const calls = { content: 0, path: 0 }
  const counted = {
    ...scanner,
    scan: scanner.scan,
    scanContent: (d: Buffer) => {
      calls.content++
      return scanner.scanContent(d)
    },
    scanPath: (d: Buffer, v?: Record<string, string | number>) => {
      calls.path++
      return scanner.scanPath(d, v)
    },
  }
  const info = { file: 'test.yar', license: 'test', proves: 'suspicion' as const }
  return {
    yara: {
      scanner: counted,
      rules: new Map([
        ['T_Content', info],
        ['T_Path', info],
      ]),
      files: ['test.yar'],
      skipped: [],
      sources: RULES,
      filters: [],
      issues: [],
    },
    calls,
  }
}

async function scan(artefacts: Artefact[], c: FileScanContext) {
  const findings: Finding[] = []
  const errors: ItemError[] = []
  await scanWebFiles(artefacts, c, {
    finding: (f) => findings.push(f),
    error: (e) => errors.push(e),
  })
  return { findings, errors }
}

function rulesOf(f: Finding | undefined): string {
  return f?.fields?.rules ?? ''
}

describe('web files: one scan per distinct content', () => {
  test('the same shell at 3 paths: 3 findings, each at its own path, with the same rules', async () => {
    const d = tmpDir()
    const paths = ['a/shell.aspx', 'b/owa/auth/x.aspx', 'c/aspnet_client/y.aspx']
    const arts = paths.map((p) => fileArtefact(write(d, p, CHOPPER), p))
    const c: FileScanContext = {
      yara: loadYara(CONTENT),
      heuristics: loadHeuristics(CONTENT),
      baseline: emptyBaseline(),
      maxFileBytes: 1 << 20,
    }
    const { findings, errors } = await scan(arts, c)
    assert.deepEqual(errors, [])
    assert.deepEqual(findings.map((f) => f.source.path).sort(), [...paths].sort())
    const eval_ = findings.map((f) =>
      f.reasons?.some((r) => r.includes('exh-web-eval-request-input')),
    )
    assert.deepEqual(eval_, [true, true, true])
    // Each finding stands alone: its own id, its own path in its evidence.
    assert.equal(new Set(findings.map((f) => f.id)).size, 3)
  })

  test('a rule that reads the file name fires on its path only; the content half runs once', async () => {
    const d = tmpDir()
    const body = '<% dedupe-marker %>'
    const paths = ['one/evil.aspx', 'two/good.aspx', 'three/other.aspx']
    const arts = paths.map((p) => fileArtefact(write(d, p, body), p))
    const { yara, calls } = countingYara()
    const { findings } = await scan(arts, {
      yara,
      heuristics: { rules: [] },
      baseline: emptyBaseline(),
      maxFileBytes: 1 << 20,
    })
    const by = new Map(findings.map((f) => [f.source.path, f]))
    assert.equal(findings.length, 3)
    assert.match(rulesOf(by.get('one/evil.aspx')), /yara:T_Path/)
    assert.match(rulesOf(by.get('one/evil.aspx')), /yara:T_Content/)
    for (const p of ['two/good.aspx', 'three/other.aspx']) {
      assert.match(rulesOf(by.get(p)), /yara:T_Content/)
      assert.doesNotMatch(rulesOf(by.get(p)), /T_Path/)
    }
    assert.equal(calls.content, 1, 'one content scan for three copies')
    // The path rule tests `filename == "evil.aspx"`: two answers, two scans of the path half.
    assert.equal(calls.path, 2, 'the path rules once per answer to their path tests')
  })

  test('a file in the known-good baseline is hashed and never YARA-scanned', async () => {
    const d = tmpDir()
    const body = '<% dedupe-marker %>'
    const file = write(d, 'owa/auth/evil.aspx', body)
    const { yara, calls } = countingYara()
    const baseline = emptyBaseline()
    baseline.sets.push({ product: 'test', build: '1', file: 'test.txt', entries: 1 })
    baseline.hashes.set(createHash('sha256').update(body).digest('hex'), [0])
    const { findings } = await scan([fileArtefact(file, 'owa/auth/evil.aspx')], {
      yara,
      heuristics: { rules: [] },
      baseline,
      maxFileBytes: 1 << 20,
    })
    assert.deepEqual(findings, [])
    assert.deepEqual(calls, { content: 0, path: 0 })
  })

  test('heuristics that test the extension still answer per path', async () => {
    const d = tmpDir()
    // Same bytes as a page and as a text file: only the page is a server page to the heuristics.
    const page = fileArtefact(write(d, 'x/s.aspx', CHOPPER), 'x/s.aspx')
    const text = fileArtefact(write(d, 'x/s.txt', CHOPPER), 'x/s.txt')
    const heuristics = loadHeuristics(CONTENT)
    const both = await scan([page, text], {
      yara: { ...loadYara(CONTENT, [], { compile: false }), sources: [] },
      heuristics,
      baseline: emptyBaseline(),
      maxFileBytes: 1 << 20,
    })
    const alone = await scan([text], {
      yara: { ...loadYara(CONTENT, [], { compile: false }), sources: [] },
      heuristics,
      baseline: emptyBaseline(),
      maxFileBytes: 1 << 20,
    })
    const txt = both.findings.find((f) => f.source.path === 'x/s.txt')
    assert.equal(rulesOf(txt), rulesOf(alone.findings[0]))
    assert.match(rulesOf(both.findings.find((f) => f.source.path === 'x/s.aspx')), /eval-request/)
  })
})

describe('persistent result cache (--cache DIR)', () => {
  function ctxWith(dir: string, namespace: string) {
    const counting = countingYara()
    const c: FileScanContext = {
      yara: counting.yara,
      heuristics: { rules: [] },
      baseline: emptyBaseline(),
      maxFileBytes: 1 << 20,
      cache: { dir, namespace },
    }
    return { c, calls: counting.calls }
  }
  const entries = (dir: string) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.json'))

  test('a second hunt reuses it; a changed file or changed content misses it', async () => {
    const ev = tmpDir()
    const cache = tmpDir('exhunt-cache-')
    const ns = cacheNamespace('1.0.0+aaaaaaaaaaaa', RULES)
    const file = write(ev, 'one/evil.aspx', '<% dedupe-marker %>')
    const art = () => [fileArtefact(file, 'one/evil.aspx')]

    const first = ctxWith(cache, ns)
    const r1 = await scan(art(), first.c)
    assert.equal(first.calls.content, 1)
    assert.equal(entries(cache).length, 1)

    const second = ctxWith(cache, ns)
    const r2 = await scan(art(), second.c)
    assert.equal(second.calls.content, 0, 'content results come from the cache')
    assert.equal(second.calls.path, 0, 'and the path half, for the same answers to its tests')
    assert.equal(rulesOf(r2.findings[0]), rulesOf(r1.findings[0]))

    // Other bytes: another digest, scanned again.
    writeFileSync(file, '<% dedupe-marker, changed %>')
    const third = ctxWith(cache, ns)
    await scan(art(), third.c)
    assert.equal(third.calls.content, 1)

    // Other content (a new content version): nothing of the old namespace is used.
    const fourth = ctxWith(cache, cacheNamespace('1.0.0+bbbbbbbbbbbb', RULES))
    await scan(art(), fourth.c)
    assert.equal(fourth.calls.content, 1)
  })

  test('a corrupt entry is ignored and rewritten', async () => {
    const ev = tmpDir()
    const cache = tmpDir('exhunt-cache-')
    const ns = cacheNamespace('x', RULES)
    const file = write(ev, 'p/evil.aspx', '<% dedupe-marker %>')
    await scan([fileArtefact(file, 'p/evil.aspx')], ctxWith(cache, ns).c)
    const [entry] = entries(cache)
    assert.ok(entry)
    const at = join(cache, entry)
    writeFileSync(at, '{"format":1,"namesp')
    const again = ctxWith(cache, ns)
    const r = await scan([fileArtefact(file, 'p/evil.aspx')], again.c)
    assert.equal(again.calls.content, 1, 'a bad entry is a miss')
    assert.match(rulesOf(r.findings[0]), /yara:T_Content/)
    assert.doesNotThrow(() => JSON.parse(readFileSync(at, 'utf8')), 'rewritten whole')
    // A well-formed entry of the wrong shape is a miss too.
    const parsed = JSON.parse(readFileSync(at, 'utf8'))
    writeFileSync(at, JSON.stringify({ ...parsed, value: { encoding: 7 } }))
    const third = ctxWith(cache, ns)
    await scan([fileArtefact(file, 'p/evil.aspx')], third.c)
    assert.equal(third.calls.content, 1)
  })

  test('the folder is pruned, oldest first, past its bound', () => {
    const cache = tmpDir('exhunt-cache-')
    for (let i = 0; i < 10; i++)
      write(cache, `ns/aa/${String(i).padStart(64, '0')}.json`, 'x'.repeat(1000))
    const left = pruneResultCache(cache, 5000)
    assert.ok(left <= 4000, `${left} bytes left`)
    assert.ok(!existsSync(join(cache, 'ns/aa', `${'0'.repeat(64)}.json`)) || left <= 4000)
  })
})
