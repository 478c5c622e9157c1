// The library entry as a consumer gets it (issue 13 §2): the package is built the way `npm install`
// builds it (`npm run build`: the esbuild bundle dist/index.mjs and the declarations dist/types) in a
// temporary copy, installed into a consumer's node_modules, and then a plain Node program (no tsx)
// runs `hunt()` on the demo through `import ... from 'exhunt'`, a file inside the package reaches the
// same entry through the package's self-reference, and tsc type-checks a TypeScript consumer.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { DEMO } from './e2e/cli.ts'
import { REPO_ROOT } from './helpers/corpus.ts'
import { tmpDir } from './helpers/tmp.ts'

// A plain Node, as a consumer runs it: no tsx loader inherited from the test runner.
const env = { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' }
const node = (args: string[], cwd: string) =>
  execFileSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 240_000 })

const CONSUMER = `import { ExhuntError, HUNT_SCHEMA, VERSION, hunt, renderReport } from 'exhunt'
const r = await hunt({ input: process.argv[2], workers: 2 })
let missing
try {
  await hunt({ input: process.argv[2] + '-missing' })
} catch (err) {
  missing = { exhunt: err instanceof ExhuntError, code: err.code }
}
console.log(JSON.stringify({
  verdict: r.verdict, schema: r.schema, kind: r.kind, hosts: r.target.hosts, findings: r.findings.length,
  version: VERSION, hunt: HUNT_SCHEMA, text: renderReport(r, 'text').includes('WHAT TO DO NEXT'), missing,
}))
`

const TS_CONSUMER = `import { type Finding, type HuntReport, type ReportEnvelope, hunt, renderReport } from 'exhunt'
export async function verdictOf(input: string): Promise<string> {
  const r: HuntReport = await hunt({ input, workers: 2, onFinding: (f: Finding) => void f.id })
  const envelope: ReportEnvelope<'hunt'> = r
  const steps: string[] = envelope.advice.steps
  // @ts-expect-error a misspelt option is refused: the types are real, not any
  await hunt({ inptu: input })
  return renderReport(r, 'json') + steps.join('') + r.target.hosts.join('')
}
`

describe("import { hunt } from 'exhunt'", () => {
  let pkg: string
  let consumer: string
  before(() => {
    const root = tmpDir('exhunt-pkg-')
    pkg = join(root, 'exhunt')
    mkdirSync(pkg)
    for (const f of ['package.json', 'tsconfig.json', 'tsconfig.types.json'])
      copyFileSync(join(REPO_ROOT, f), join(pkg, f))
    // Sources copied (tsc keeps declarations under rootDir by real path), the rest linked.
    cpSync(join(REPO_ROOT, 'src'), join(pkg, 'src'), { recursive: true })
    for (const d of ['content', 'node_modules', 'bin'])
      symlinkSync(join(REPO_ROOT, d), join(pkg, d))
    execFileSync('npm', ['run', 'build', '--silent'], {
      cwd: pkg,
      env,
      stdio: 'pipe',
      timeout: 240_000,
    })
    consumer = join(root, 'consumer')
    mkdirSync(join(consumer, 'node_modules'), { recursive: true })
    symlinkSync(pkg, join(consumer, 'node_modules', 'exhunt'))
    writeFileSync(join(consumer, 'package.json'), '{ "type": "module", "private": true }\n')
  })

  it('a Node program runs hunt() on the demo through the bundle and gets the verdict', () => {
    writeFileSync(join(consumer, 'main.mjs'), CONSUMER)
    const out = JSON.parse(node(['main.mjs', DEMO], consumer)) as Record<string, unknown>
    const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version
    assert.deepEqual(out, {
      verdict: 'compromised',
      schema: 'exhunt.hunt/2',
      kind: 'hunt',
      hosts: ['EXCH01'],
      findings: out.findings,
      version,
      hunt: 'exhunt.hunt/2',
      text: true,
      missing: { exhunt: true, code: 'EXH_ERR_FS_ENOENT' },
    })
    assert.ok((out.findings as number) > 100, `${out.findings} findings`)
  })

  it('the entry is dist/index.mjs, and a file inside the package reaches it by the package name', () => {
    const pj = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'))
    assert.deepEqual(pj.exports['.'], {
      types: './dist/types/index.d.ts',
      default: './dist/index.mjs',
    })
    assert.equal(pj.bin.exhunt, 'bin/exhunt.js')
    writeFileSync(
      join(pkg, 'self.mjs'),
      "const m = await import('exhunt')\nconsole.log(import.meta.resolve('exhunt'), typeof m.hunt, typeof m.huntBatch, typeof m.renderReport)\n",
    )
    const [url, ...kinds] = node(['self.mjs'], pkg).trim().split(' ')
    assert.match(url ?? '', /\/dist\/index\.mjs$/)
    assert.deepEqual(kinds, ['function', 'function', 'function'])
  })

  it('a TypeScript consumer (module nodenext, strict) type-checks against the declarations', () => {
    writeFileSync(join(consumer, 'check.ts'), TS_CONSUMER)
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
        },
        files: ['check.ts'],
      }),
    )
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    try {
      node([tsc, '-p', 'tsconfig.json'], consumer)
    } catch (err) {
      assert.fail(`tsc: ${(err as { stdout?: string }).stdout}`)
    }
    // And the check bites: a wrong type is an error.
    writeFileSync(
      join(consumer, 'check.ts'),
      `${TS_CONSUMER}export const n: number = 'x' as import('exhunt').Verdict\n`,
    )
    assert.throws(
      () => node([tsc, '-p', 'tsconfig.json'], consumer),
      (err: { stdout?: string }) => /check\.ts\(\d+,\d+\): error TS2322/.test(err.stdout ?? ''),
    )
  })
})
