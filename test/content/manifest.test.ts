// content/manifest.json is current: every content file's digest and the loaders' counts. A content change
// shows up as a manifest diff to review (`npm run content:manifest`), not as edits to counts in tests.
import assert from 'node:assert/strict'
import { cpSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { currentManifest, readManifest } from '../../src/content/index/load-index.ts'
import { buildManifest, manifestProblems } from '../../src/content/index/manifest.ts'
import { lintAllContent } from '../../src/content/lint-all.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'

const CONTENT = join(REPO_ROOT, 'content')
const FIX = 'content/manifest.json is stale: run `npm run content:manifest` and review the diff'

describe('content manifest', () => {
  test('the shipped manifest matches the content as it is', () => {
    const now = currentManifest(CONTENT)
    assert.deepEqual(manifestProblems(readManifest(CONTENT), now), [], FIX)
    assert.deepEqual(readManifest(CONTENT), JSON.parse(JSON.stringify(now)), FIX)
  })

  test('a changed, an added and a removed file, and changed counts, are each named', () => {
    const counts = currentManifest(CONTENT).counts
    const enc = (s: string) => new TextEncoder().encode(s)
    const was = buildManifest(
      [
        { path: 'a.yml', data: enc('a') },
        { path: 'b.yml', data: enc('b') },
      ],
      counts,
    )
    const now = buildManifest(
      [
        { path: 'a.yml', data: enc('A') },
        { path: 'c.yml', data: enc('c') },
      ],
      { ...counts, native: counts.native + 1 },
    )
    assert.notEqual(was.digest, now.digest)
    const problems = manifestProblems(JSON.parse(JSON.stringify(was)), now)
    assert.deepEqual(
      problems.map((p) => [p.path, p.message.split(';')[0]]),
      [
        ['a.yml', 'file changed since the manifest'],
        ['c.yml', 'file not in the manifest'],
        ['b.yml', 'file in the manifest is gone'],
        ['counts', problems[3]?.message.split(';')[0]],
      ],
    )
    assert.match(problems[3]?.message ?? '', /"native":\d+/)
    assert.deepEqual(manifestProblems({ format: 'x' }, now).length, 1)
  })

  test('`content lint` warns on a copy whose rule changed; a folder without a manifest is not held to one', () => {
    const root = join(tmpDir('exhunt-manifest-'), 'content')
    cpSync(CONTENT, root, { recursive: true })
    const rel = 'rules/webfile/exh-web-oab-externalurl-script.yml'
    writeFileSync(join(root, rel), '# an edit\n', { flag: 'a' })
    const stale = lintAllContent(root).issues.filter((i) => i.file === 'manifest.json')
    assert.deepEqual(
      stale.map((i) => [i.severity, i.path]),
      [['warning', rel]],
    )
    rmSync(join(root, 'manifest.json'))
    assert.deepEqual(
      lintAllContent(root).issues.filter((i) => i.file === 'manifest.json'),
      [],
    )
  })
})
