import assert from 'node:assert/strict'
import { test } from 'node:test'
import { oneLine } from './say.ts'

test('messages with newlines from the OS or a zip become one line', () => {
  assert.equal(oneLine('bad zip\n  at offset 4\r\n'), 'bad zip at offset 4')
  assert.equal(oneLine('-o /x is a folder'), '-o /x is a folder')
})
