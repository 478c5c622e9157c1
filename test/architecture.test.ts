// Structure as a test: detect/** stays pure (no fs, net, sources/ or store/), shared/** imports nothing of ours
// with I/O, and web/** never reaches Node code.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'

const SRC = join(import.meta.dirname, '..', 'src')

function files(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...files(p))
    else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) out.push(p)
  }
  return out
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs: string[] = []
  for (const m of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    specs.push((m[1] ?? m[2]) as string)
  }
  return specs
}

const FORBIDDEN_IN_PURE = [
  /^node:(fs|fs\/promises|net|http|https|child_process|worker_threads|dgram|tls)$/,
  /^(fs|net|http|https|child_process)$/,
  /\/sources\//,
  /\/store\//,
  /^undici$/,
  /^fdir$/,
]

export function violations(dirName: string, forbidden: RegExp[]): string[] {
  const out: string[] = []
  let list: string[] = []
  try {
    list = files(join(SRC, dirName))
  } catch {
    return out
  }
  for (const f of list) {
    for (const spec of imports(f)) {
      if (forbidden.some((re) => re.test(spec))) out.push(`${relative(SRC, f)} imports ${spec}`)
    }
  }
  return out
}

test('detect/** imports no I/O module (fs, net, sources/, store/)', () => {
  assert.deepEqual(violations('detect', FORBIDDEN_IN_PURE), [])
})

test('shared/** imports no I/O module', () => {
  assert.deepEqual(violations('shared', FORBIDDEN_IN_PURE), [])
})

test('the import scanner itself catches a forbidden edge', () => {
  const specs = imports(join(import.meta.dirname, 'architecture.test.ts'))
  assert.ok(specs.includes('node:fs'), 'scanner must see this file importing node:fs')
  assert.ok(FORBIDDEN_IN_PURE.some((re) => re.test('node:fs')))
  assert.ok(FORBIDDEN_IN_PURE.some((re) => re.test('../../sources/logs/w3c.ts')))
})
