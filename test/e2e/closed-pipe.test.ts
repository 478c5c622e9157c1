// `exhunt hunt … | head -1` (issue 12 §5): the reader closing the pipe early is not an error and does
// not change what the exit code says about the evidence (1 for the compromised demo), with no EPIPE
// stack trace. A real shell pipeline, since EPIPE only happens on a real pipe.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { describe, it } from 'node:test'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { BIN, DEMO } from './cli.ts'

interface Piped {
  code: number
  first: string
  stderr: string
}

/** `exhunt ARGS | head -1` in bash; exhunt's own exit status from PIPESTATUS. */
function pipeToHead(args: readonly string[]): Promise<Piped> {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`
  const cmd = `${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', cmd],
      { cwd: REPO_ROOT, timeout: 60_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) return reject(err)
        const m = /status=(\d+)\s*$/.exec(stderr)
        if (!m) return reject(new Error(`no status: ${stderr}`))
        resolve({ code: Number(m[1]), first: stdout, stderr: stderr.slice(0, m.index) })
      },
    )
  })
}

describe('a closed pipe keeps the exit code the findings call for', () => {
  it('-f ndjson | head -1: exit 1, the first finding line, no EPIPE (was: exit 0)', async () => {
    const r = await pipeToHead(['hunt', DEMO, '--no-progress', '-f', 'ndjson'])
    assert.match(r.first, /^\{"type":"finding"/)
    assert.equal(r.first.trimEnd().split('\n').length, 1)
    assert.equal(r.stderr, '', 'nothing on stderr: no EPIPE, no stack trace')
    assert.equal(r.code, 1)
  })

  it('text --verbose (230 KB, past the pipe buffer) | head -1: exit 1', async () => {
    const r = await pipeToHead(['hunt', DEMO, '--no-progress', '--verbose'])
    assert.match(r.first, /━━━/)
    assert.equal(r.stderr, '')
    assert.equal(r.code, 1)
  })
})
