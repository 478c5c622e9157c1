// Node 20 does not expand globs in --test nor find .ts files: list them here.
// Usage: node scripts/test.mjs [dir-or-file ...]  (default: src and test)
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const roots = process.argv.slice(2)
const files = []
function walk(p) {
  const st = statSync(p)
  if (st.isFile()) {
    if (p.endsWith('.test.ts')) files.push(p)
    return
  }
  for (const name of readdirSync(p).sort()) {
    if (name === 'node_modules' || name === 'fixtures') continue
    walk(join(p, name))
  }
}
for (const r of roots.length ? roots : ['src', 'test']) walk(r)
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
// A per-test limit, so one stuck test fails with its name instead of hanging the run. Generous: the
// slowest e2e hunts take about a minute on a loaded 2-core machine. TEST_TIMEOUT_MS overrides it.
const timeout = process.env.TEST_TIMEOUT_MS ?? '300000'
const args = ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-timeout=${timeout}`]
if (process.env.TEST_CONCURRENCY) args.push(`--test-concurrency=${process.env.TEST_CONCURRENCY}`)
const r = spawnSync(process.execPath, [...args, ...files], { stdio: 'inherit' })
process.exit(r.status ?? 2)
