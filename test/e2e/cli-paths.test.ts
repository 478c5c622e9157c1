// Paths the user typed are checked before any work (issue 12 §3, §5): a missing --ioc, --baseline,
// --content, an -o that is a folder or sits in a missing folder, each fail at once with exit 2 and
// one line naming the flag and the path, with no hunt output and no stack trace.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { tmpDir } from '../helpers/tmp.ts'
import { DEMO, runCli } from './cli.ts'

/** One IIS log of the demo: a quick hunt with high findings (exit 1 when it runs). */
const ONE_LOG = join(DEMO, 'C/inetpub/logs/LogFiles/W3SVC1/u_ex210304.log')

function assertRefused(
  r: { code: number; stdout: string; stderr: string },
  flag: string,
  path: string,
) {
  assert.equal(r.code, 2, r.stderr)
  assert.equal(r.stdout, '', 'nothing hunted, nothing streamed')
  const lines = r.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `one line, got:\n${r.stderr}`)
  assert.ok(lines[0]?.startsWith('exhunt: '), r.stderr)
  assert.ok(lines[0]?.includes(flag), `names ${flag}: ${r.stderr}`)
  assert.ok(lines[0]?.includes(path), `names ${path}: ${r.stderr}`)
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:|node:internal/, 'no stack trace')
}

describe('user-supplied paths are checked before the hunt', () => {
  const dir = tmpDir('exhunt-e2e-paths-')
  const missing = join(dir, 'no-such')
  const ndjson = ['hunt', ONE_LOG, '--no-progress', '-f', 'ndjson']

  it('--ioc FILE that does not exist: exit 2 (was: hunted without the feed, exit 1)', async () => {
    const feed = join(missing, 'feed.txt')
    assertRefused(await runCli([...ndjson, '--ioc', feed]), '--ioc', feed)
  })

  it('--ioc naming a folder', async () => {
    assertRefused(await runCli([...ndjson, '--ioc', dir]), '--ioc', dir)
  })

  it('--baseline PATH that does not exist', async () => {
    assertRefused(await runCli([...ndjson, '--baseline', missing]), '--baseline', missing)
  })

  it('--content DIR that does not exist, or is a file', async () => {
    assertRefused(await runCli([...ndjson, '--content', missing]), '--content', missing)
    assertRefused(await runCli([...ndjson, '--content', ONE_LOG]), '--content', ONE_LOG)
  })

  it('-f ndjson -o into a missing folder (was: an unhandled stream error, stack trace, exit 1)', async () => {
    const out = join(missing, 'dir', 'x')
    assertRefused(await runCli([...ndjson, '-o', out]), '-o', out)
  })

  it('-o naming a folder, in every format', async () => {
    for (const f of ['text', 'json', 'ndjson', 'csv', 'html']) {
      const r = await runCli(['hunt', ONE_LOG, '--no-progress', '-f', f, '-o', dir])
      assertRefused(r, '-o', dir)
    }
  })

  it('-o in a folder that cannot be written', async () => {
    // Root writes into a mode 0500 folder, so as root (CI) the folder is /sys: it exists, passes the
    // checks before the hunt, and refuses a new file even to root (EACCES), as the 0500 folder does.
    const isRoot = process.getuid?.() === 0
    const ro = isRoot ? '/sys' : join(dir, 'ro')
    if (!isRoot) mkdirSync(ro, { mode: 0o500 })
    const out = join(ro, 'exhunt-r.json')
    assertRefused(await runCli(['hunt', ONE_LOG, '-f', 'json', '-o', out]), '-o', out)
  })

  it('-o under a path whose parent is a file', async () => {
    const out = join(ONE_LOG, 'r.txt')
    assertRefused(await runCli(['hunt', ONE_LOG, '-o', out]), '-o', out)
  })

  it('baseline create -o into a missing folder fails before hashing (was: after, with a raw ENOENT)', async () => {
    const out = join(missing, 'known-good.sha256')
    const r = await runCli([
      'baseline',
      'create',
      DEMO,
      '--product',
      'x',
      '--build',
      '1',
      '-o',
      out,
    ])
    assertRefused(r, '-o', out)
  })

  it('a bad flag does not create or truncate the -o file', async () => {
    const out = join(dir, 'kept.ndjson')
    writeFileSync(out, 'previous report\n')
    const r = await runCli([...ndjson, '-o', out, '--ioc', missing])
    assert.equal(r.code, 2)
    assert.ok(existsSync(out))
    const fresh = join(dir, 'never.ndjson')
    await runCli([...ndjson, '-o', fresh, '--baseline', missing])
    assert.equal(existsSync(fresh), false, 'the output is opened only after the checks')
  })

  it('the same flags with real paths hunt as before (exit 1 on the demo log)', async () => {
    const feed = join(dir, 'feed.txt')
    writeFileSync(feed, '203.0.113.77\n')
    const out = join(dir, 'ok.ndjson')
    const r = await runCli([...ndjson, '--ioc', feed, '--baseline', dir, '-o', out])
    assert.equal(r.code, 1, r.stderr)
    assert.ok(existsSync(out))
  })
})
