// A files-only hunt of a folder with no web files: the workers started before discovery are closed (once
// they are ready; ending one inside yara-x's compile could crash) and the hunt ends.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { hunt } from './run.ts'

test('a files-only hunt of a folder without web files ends, early workers closed', async () => {
  const report = await hunt({ input: tmpDir(), only: ['files'], workers: 2 })
  assert.equal(report.stats.files, 0)
  assert.deepEqual(report.errors, [])
})
