import assert from 'node:assert/strict'
import { test } from 'node:test'
import { worstExitCode } from './exit-codes.ts'

test('several reports exit with the most serious code: 2 > 1 > 3 > 0', () => {
  assert.equal(worstExitCode([]), 0)
  assert.equal(worstExitCode([0, 0]), 0)
  assert.equal(worstExitCode([0, 3]), 3)
  assert.equal(worstExitCode([3, 1, 0]), 1)
  assert.equal(worstExitCode([1, 2, 3]), 2)
  assert.equal(worstExitCode([2, 0]), 2)
})
