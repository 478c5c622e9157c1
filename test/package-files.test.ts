// What `npm pack` ships (issue 12 §5): messages, comments and content point readers at docs/*.md, so
// every docs/ path named in src/ or content/ must exist and be in the package, and so must the
// whole docs/ folder. The file list comes from npm itself (`npm pack --dry-run --json`, offline).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { before, describe, it } from 'node:test'
import { REPO_ROOT } from './helpers/corpus.ts'

function walk(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...walk(p, keep))
    else if (keep(name)) out.push(p)
  }
  return out
}

/** `docs/<file>` paths (with an extension) mentioned anywhere in a text. */
export function docsPaths(text: string): string[] {
  return [...text.matchAll(/(?<![\w/.~-])docs\/[\w./-]*\w\.[a-z]+/g)].map((m) => m[0])
}

describe('the npm package ships docs/', () => {
  let packed: Set<string>
  const mentioned = new Map<string, string>()
  before(() => {
    const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
    })
    packed = new Set(
      (JSON.parse(json) as [{ files: { path: string }[] }])[0].files.map((f) => f.path),
    )
    const sources = [
      ...walk(join(REPO_ROOT, 'src'), (n) => n.endsWith('.ts') && !n.endsWith('.test.ts')),
      ...walk(join(REPO_ROOT, 'content'), (n) => /\.(?:ya?ml|json|md|csv|txt)$/.test(n)),
    ]
    for (const f of sources) {
      for (const p of docsPaths(readFileSync(f, 'utf8'))) mentioned.set(p, relative(REPO_ROOT, f))
    }
  })

  it('finds the docs/ pointers (the scan is not vacuous)', () => {
    assert.ok(mentioned.has('docs/errors.md'), [...mentioned.keys()].join())
    assert.ok(mentioned.has('docs/content-format.md'), [...mentioned.keys()].join())
    assert.ok(packed.has('package.json') && packed.has('bin/exhunt.js'), [...packed].join())
  })

  it('every docs/ path named in src/ or content/ exists and is packed', () => {
    const bad = [...mentioned]
      .filter(([p]) => !existsSync(join(REPO_ROOT, p)) || !packed.has(p))
      .map(([p, by]) => `${p} (named in ${by})`)
    assert.deepEqual(bad, [])
  })

  it('the whole docs/ folder is packed', () => {
    const docs = walk(join(REPO_ROOT, 'docs'), () => true).map((p) => relative(REPO_ROOT, p))
    assert.ok(docs.length >= 4)
    assert.deepEqual(
      docs.filter((p) => !packed.has(p)),
      [],
    )
  })

  it('the library entry and its declarations are in packed folders, built by `npm run build`', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'))
    const targets = [pkg.exports['.'].default, pkg.exports['.'].types, pkg.types] as string[]
    assert.deepEqual(targets, [
      './dist/index.mjs',
      './dist/types/index.d.ts',
      './dist/types/index.d.ts',
    ])
    for (const t of targets) assert.ok(pkg.files.includes(t.split('/')[1]), `${t} is in files`)
    assert.match(pkg.scripts.build, /esbuild src\/index\.ts /)
    assert.match(pkg.scripts.build, /tsc -p tsconfig\.types\.json/)
    assert.equal(pkg.bin.exhunt, 'bin/exhunt.js')
  })

  it('the scanner reads paths, not words', () => {
    assert.deepEqual(docsPaths('see docs/errors.md, and [x](docs/output-formats.md).'), [
      'docs/errors.md',
      'docs/output-formats.md',
    ])
    assert.deepEqual(docsPaths('Server.MapPath("~/docs/" + name) mydocs/x.md'), [])
  })
})
