// Golden output of the demo hunt (demo/README.md) in text, JSON and CSV through the real CLI, so any
// change to what a responder reads shows up as a diff. Update on purpose with UPDATE_GOLDEN=1
// (CONTRIBUTING.md, "Golden files").
import assert from 'node:assert/strict'
import { cpSync, readdirSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { checkGolden, mask } from '../helpers/golden.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { type CliResult, DEMO, runCli } from './cli.ts'

const GOLDEN = join(REPO_ROOT, 'test', 'golden')
// Git keeps no mtimes and web-file findings are dated by them, so the copy gets a fixed one: after
// the demo's last logged request (2021-03-04 02:10Z), when a responder might have taken the triage.
const FILE_TIME = new Date('2021-03-04T03:00:00.000Z')

/** demo/evidence copied to <tmp>/demo/evidence with fixed times; returns <tmp>. */
function demoCopy(): string {
  const root = tmpDir('exhunt-golden-')
  const dest = join(root, 'demo', 'evidence')
  cpSync(DEMO, dest, { recursive: true })
  const all = readdirSync(dest, { recursive: true, encoding: 'utf8' }).map((p) => join(dest, p))
  // Files first, then folders deepest first, so setting a file's time does not bump its folder's.
  for (const p of all.filter((p) => statSync(p).isFile())) utimesSync(p, FILE_TIME, FILE_TIME)
  for (const p of all.filter((p) => statSync(p).isDirectory()).reverse())
    utimesSync(p, FILE_TIME, FILE_TIME)
  return root
}

const FORMATS = [
  { format: 'text', file: 'demo.txt', extra: ['--no-color'] },
  { format: 'json', file: 'demo.json', extra: [] },
  { format: 'csv', file: 'demo.csv', extra: [] },
] as const

describe('golden output of exhunt hunt demo/evidence', () => {
  const runs = new Map<string, CliResult>()
  before(async () => {
    const cwd = demoCopy()
    // Fixed worker count, so a machine with more cores runs the same hunt.
    const args = (f: (typeof FORMATS)[number]) => [
      'hunt',
      'demo/evidence',
      '--format',
      f.format,
      '--no-progress',
      '-j',
      '2',
      ...f.extra,
    ]
    for (const f of FORMATS) runs.set(f.format, await runCli(args(f), { cwd }))
  })

  for (const f of FORMATS) {
    it(`${f.format} matches test/golden/${f.file}`, () => {
      const r = runs.get(f.format)
      assert.ok(r)
      assert.equal(r.code, 1, `exit code (compromised is 1)\n${r.stderr}`)
      const result = checkGolden(join(GOLDEN, f.file), mask(r.stdout))
      if (!result.ok) assert.fail(result.message)
    })
  }
})
