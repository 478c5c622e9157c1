import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { checkGolden, mask, UPDATE_HINT } from './golden.ts'
import { tmpDir } from './tmp.ts'

describe('golden masks', () => {
  it('masks run times, durations, worker counts, change/birth times and the content hash', () => {
    const json = [
      '  "contentVersion": "0.1.0+c7e406860a48",',
      '  "startedAt": "2026-12-03T15:16:19.329Z",',
      '        "mtime": "2021-03-04T03:00:00.000Z",',
      '        "btime": "2026-12-03T15:15:59.203Z"',
      '    "durationMs": 1875,',
      '    "workers": 2,',
    ].join('\n')
    assert.equal(
      mask(json),
      [
        '  "contentVersion": "0.1.0+<content-hash>",',
        '  "startedAt": "<run-time>",',
        '        "mtime": "2021-03-04T03:00:00.000Z",',
        '        "btime": "<file-time>"',
        '    "durationMs": "<ms>",',
        '    "workers": "<n>",',
      ].join('\n'),
    )
    assert.equal(
      mask('1,875 lines · 1.8 s on 2 workers · 873 rules'),
      '1,875 lines · <duration> on <n> workers · 873 rules',
    )
  })

  it('sorts related ids and keeps the JSON valid', () => {
    const a = '{\n  "related": [\n    "ff",\n    "0a",\n    "3c"\n  ]\n}'
    assert.deepEqual(JSON.parse(mask(a)), { related: ['0a', '3c', 'ff'] })
  })

  it('fails with a short diff and the update command on a mismatch', (t) => {
    if (process.env.UPDATE_GOLDEN === '1')
      return t.skip('UPDATE_GOLDEN=1 rewrites instead of failing')
    const file = join(tmpDir('exhunt-golden-unit-'), 'x.txt')
    writeFileSync(file, 'a\nb\nc\n')
    assert.deepEqual(checkGolden(file, 'a\nb\nc\n'), { ok: true })
    const r = checkGolden(file, 'a\nB\nc\n')
    assert.equal(r.ok, false)
    assert.match(r.ok ? '' : r.message, /1 line\(s\) differ[\s\S]*- 2 {2}b\n\+ 2 {2}B/)
    assert.ok(!r.ok && r.message.includes(UPDATE_HINT))
  })
})
