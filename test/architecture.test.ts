// The module map of ARCHITECTURE.md, enforced: every import of every file of src/ (static, side-effect,
// re-export, dynamic, require, createRequire, worker entries, types) against each folder's "may
// import" column and its known exceptions, plus no run-time import cycle. The self-tests plant each
// kind of violation in a copy of src/ and see the check name it.
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { checkArchitecture, isTestFile, parseMap } from './helpers/architecture-map.ts'
import { externalName, importGraph, importsOf } from './helpers/import-graph.ts'
import { tmpDir } from './helpers/tmp.ts'

const ROOT = join(import.meta.dirname, '..')
const SRC = join(ROOT, 'src')
const MAP = parseMap(readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8'))

test('the module map is read from ARCHITECTURE.md: every folder, and detect/ is pure', () => {
  // A reformatted table must not silently empty the map (a folder missing from it fails below too).
  for (const f of ['analysis', 'cli', 'content', 'detect', 'hunt', 'report', 'shared', 'sources'])
    assert.ok(MAP.folders.has(f), `no row for ${f}/ in ARCHITECTURE.md's module map`)
  const detect = MAP.folders.get('detect')!
  assert.deepEqual([...detect.folders], ['shared'])
  assert.ok(![...detect.externals].some((x) => x.startsWith('node:')), 'detect/ gets no builtin')
  // The analysis layer is pure, and it is why hunt/ and report/ never need each other.
  const analysis = MAP.folders.get('analysis')!
  assert.deepEqual([...analysis.folders], ['shared'])
  assert.deepEqual([...analysis.files, ...analysis.externals], [])
  for (const [from, to] of [
    ['hunt', 'report'],
    ['report', 'hunt'],
  ] as const) {
    const allowed = MAP.folders.get(from)!
    assert.ok(!allowed.folders.has(to) && ![...allowed.files].some((f) => f.startsWith(`${to}/`)))
    assert.ok(
      !MAP.exceptions.some((x) => x.from.startsWith(`${from}/`) && x.to.startsWith(`${to}/`)),
    )
  }
  assert.ok(MAP.exceptions.length > 0 && MAP.exceptions.every((x) => x.reason.length > 20))
})

test('src/ follows the module map, with no run-time import cycle', () => {
  assert.deepEqual(checkArchitecture(importGraph(SRC), MAP), [])
})

test('every kind of import is seen, and type-only ones are told apart', () => {
  const text = [
    "import 'node:fs'",
    "import { a } from './a.ts'",
    "import type { B } from './b.ts'",
    "import { type C, type D } from './c.ts'",
    "import { type E, f } from './e.ts'",
    "export * from './g.ts'",
    "export type { H } from './h.ts'",
    "const m = await import('./i.ts')",
    "const fs = require('fs')",
    "import { createRequire } from 'node:module'",
    'const req = createRequire(import.meta.url)',
    "req('node:net')",
    "let d: import('node:fs').Dirent",
    "new URL(x ? './w.ts' : './w.mjs', import.meta.url)",
    'await import(name)',
  ].join('\n')
  const edges = importsOf('detect/x.ts', text).map((e) => `${e.line} ${e.kind} ${e.spec}`)
  assert.deepEqual(edges, [
    '1 side-effect node:fs',
    '2 import ./a.ts',
    '3 type ./b.ts',
    '4 type ./c.ts',
    '5 import ./e.ts',
    '6 export-from ./g.ts',
    '7 type ./h.ts',
    '8 dynamic ./i.ts',
    '9 require fs',
    '10 import node:module',
    '11 create-require <createRequire>',
    '12 require node:net',
    '13 type node:fs',
    '14 worker ./w.ts',
    '15 dynamic <computed>',
  ])
  const [first] = importsOf('detect/native/x.ts', "import '../../shared/types.ts'")
  assert.equal(first?.target, 'shared/types.ts')
  assert.equal(externalName('fs/promises'), 'node:fs')
  assert.equal(externalName('node:fs/promises'), 'node:fs')
  assert.equal(externalName('@litko/yara-x/sub'), '@litko/yara-x')
  assert.ok(isTestFile('hunt/scan-files.test-helper.ts') && !isTestFile('hunt/scan-files.ts'))
})

/** A copy of src/ with extra files; returns the check's messages. */
function checkWith(planted: Record<string, string>): string[] {
  const root = join(tmpDir('exhunt-arch-'), 'src')
  cpSync(SRC, root, { recursive: true })
  for (const [file, text] of Object.entries(planted)) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), text)
  }
  return checkArchitecture(importGraph(root), MAP)
}

test('a planted violation of each kind fails the check, and each is named', () => {
  const found = checkWith({
    'detect/planted-fs.ts': "import 'node:fs'\n",
    'detect/planted-dynamic.ts': "export const run = () => import('../hunt/run.ts')\n",
    'detect/planted-require.ts': "export const fs = require('fs')\n",
    'shared/planted-create-require.ts':
      "import { createRequire } from 'node:module'\nexport const req = createRequire(import.meta.url)\n",
    'detect/planted-type.ts':
      "import type { Artefact } from '../sources/artefact.ts'\nexport type A = Artefact\n",
    'report/planted-reexport.ts': "export * from '../sources/open.ts'\n",
    'detect/planted-worker.ts':
      "export const u = new URL('../hunt/log-worker.ts', import.meta.url)\n",
    'detect/planted-computed.ts': 'export const load = (m: string) => import(m)\n',
    'detect/planted-test-import.ts': "import '../hunt/scan-files.test-helper.ts'\n",
    'detect/planted-package.ts': "import { fdir } from 'fdir'\nexport const f = fdir\n",
    'unmapped/planted-folder.ts': "import '../shared/types.ts'\n",
    'analysis/planted-hunt.ts': "import { hunt } from '../hunt/run.ts'\nexport const h = hunt\n",
    'report/planted-hunt.ts': "export { decide } from '../hunt/decide.ts'\n",
    'planted-top.ts': "import './shared/types.ts'\n",
    'detect/planted-a.ts': "import { b } from './planted-b.ts'\nexport const a = () => b\n",
    'detect/planted-b.ts': "import { a } from './planted-a.ts'\nexport const b = () => a\n",
  })
  const expected = [
    "detect/planted-fs.ts:1 side-effect 'node:fs': detect/ may not import node:fs",
    "detect/planted-dynamic.ts:1 dynamic '../hunt/run.ts': detect/ may not import hunt/ (hunt/run.ts)",
    "detect/planted-require.ts:1 require 'fs': require is not used",
    "shared/planted-create-require.ts:1 import 'node:module': shared/ may not import node:module",
    "shared/planted-create-require.ts:2 create-require '<createRequire>': require is not used",
    "detect/planted-type.ts:1 type '../sources/artefact.ts': detect/ may not import sources/",
    "report/planted-reexport.ts:1 export-from '../sources/open.ts': report/ may not import sources/",
    "detect/planted-worker.ts:1 worker '../hunt/log-worker.ts': detect/ may not import hunt/",
    "detect/planted-computed.ts:1 dynamic '<computed>': an import of a computed name",
    "detect/planted-test-import.ts:1 side-effect '../hunt/scan-files.test-helper.ts': production code imports a test file",
    "detect/planted-package.ts:1 import 'fdir': detect/ may not import fdir",
    "unmapped/planted-folder.ts:1 side-effect '../shared/types.ts': folder 'unmapped' is not in the module map",
    "analysis/planted-hunt.ts:1 import '../hunt/run.ts': analysis/ may not import hunt/ (hunt/run.ts)",
    "report/planted-hunt.ts:1 export-from '../hunt/decide.ts': report/ may not import hunt/ (hunt/decide.ts)",
    "planted-top.ts:1 side-effect './shared/types.ts': only index.ts lives at the top of src/",
    'import cycle: detect/planted-a.ts → detect/planted-b.ts → detect/planted-a.ts',
  ]
  for (const want of expected)
    assert.ok(
      found.some((m) => m.startsWith(want)),
      `missing: ${want}\ngot:\n${found.join('\n')}`,
    )
  assert.equal(found.length, expected.length, found.join('\n'))
})

test('a longer cycle is reported as its path; a cycle of type-only imports is tolerated', () => {
  const found = checkWith({
    'hunt/planted-1.ts': "import './planted-2.ts'\n",
    'hunt/planted-2.ts': "export * from './planted-3.ts'\n",
    'hunt/planted-3.ts': "export const x = () => import('./planted-1.ts')\n",
    'hunt/planted-t1.ts': "import type { T2 } from './planted-t2.ts'\nexport type T1 = T2 | 1\n",
    'hunt/planted-t2.ts': "import type { T1 } from './planted-t1.ts'\nexport type T2 = T1 | 2\n",
  })
  assert.deepEqual(found, [
    'import cycle: hunt/planted-1.ts → hunt/planted-2.ts → hunt/planted-3.ts → hunt/planted-1.ts',
  ])
})

test('a known exception that no longer exists fails, so the list in ARCHITECTURE.md stays true', () => {
  const stale = { from: 'detect/gone.ts', to: 'sources/open.ts', reason: 'planted' }
  const found = checkArchitecture(importGraph(SRC), {
    folders: MAP.folders,
    exceptions: [...MAP.exceptions, stale],
  })
  assert.deepEqual(found, [
    'stale exception (no such edge any more): detect/gone.ts → sources/open.ts',
  ])
})

test('every dependency in package.json is imported by src/ at run time, and every package it imports is one', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>
  }
  const used = new Set(
    importGraph(SRC)
      .filter((e) => !isTestFile(e.from) && e.kind !== 'type' && e.external)
      .map((e) => e.external as string)
      .filter((x) => !x.startsWith('node:')),
  )
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), [...used].sort())
})
