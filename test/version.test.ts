// The version stamped into reports is the package's.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { VERSION } from '../src/shared/version.ts'
import { REPO_ROOT } from './helpers/corpus.ts'

test('src/shared/version.ts matches package.json', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    version: string
  }
  assert.equal(VERSION, pkg.version)
})
