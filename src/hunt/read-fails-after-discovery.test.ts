// A file that cannot be read once the hunt reaches it, even as root (CI runs as root, so chmod 000
// proves nothing there): it vanishes, becomes a FIFO or a symlink between discovery and the read.
// Each is one errors[] entry with its EXH_ERR_ code from the real worker read, the other logs are
// still hunted and nothing found in them is lost (issue 13 §5).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { test } from 'node:test'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { loadContent } from '../content/load.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import { discoverEvidence } from '../sources/discover.ts'
import { huntLogs } from './logs.ts'

const REPO = resolve(import.meta.dirname, '../..')
const CONTENT = join(REPO, 'content')
const W3SVC1 = 'C/inetpub/logs/LogFiles/W3SVC1'
const ATTACK = join(REPO, 'demo/evidence', W3SVC1, 'u_ex210303.log')

async function huntAfter(root: string, between: (dir: string) => void) {
  const evidence = await discoverEvidence(root)
  between(join(root, W3SVC1))
  const findings: Finding[] = []
  const errors: ItemError[] = [...evidence.errors]
  await huntLogs(
    evidence.artefacts,
    { input: root, content: loadContent(CONTENT, { yara: false }).content, workers: 1 },
    (f) => findings.push(f),
    errors,
  )
  await evidence.close()
  const keys = findings.map((f) => `${f.source.path}:${f.source.line}:${f.rule}`).sort()
  return { keys, errors }
}

test('a log that vanishes, turns into a FIFO or a symlink after discovery: one error each, the rest hunted', async () => {
  const tree = (extra: string[]) => {
    const root = tmpDir('exhunt-read-fails-')
    const dir = join(root, W3SVC1)
    mkdirSync(dir, { recursive: true })
    for (const name of ['u_ex210303.log', ...extra]) copyFileSync(ATTACK, join(dir, name))
    return root
  }
  const reference = await huntAfter(tree([]), () => {})
  assert.ok(reference.keys.length > 0, 'the intact log has findings')
  assert.deepEqual(reference.errors, [])

  const broken = await huntAfter(
    tree(['u_ex210309.log', 'u_ex210310.log', 'u_ex210311.log']),
    (dir) => {
      rmSync(join(dir, 'u_ex210309.log'))
      rmSync(join(dir, 'u_ex210310.log'))
      // A FIFO nobody writes to: opened non-blocking and refused, so the worker never hangs on it.
      execFileSync('mkfifo', [join(dir, 'u_ex210310.log')])
      rmSync(join(dir, 'u_ex210311.log'))
      symlinkSync('u_ex210303.log', join(dir, 'u_ex210311.log'))
    },
  )
  const codes = (name: string) =>
    broken.errors.filter((e) => e.path.endsWith(name)).map((e) => e.code)
  const all = JSON.stringify(broken.errors)
  assert.deepEqual(codes('u_ex210309.log'), ['EXH_ERR_FS_ENOENT'], all)
  assert.deepEqual(codes('u_ex210310.log'), ['EXH_ERR_NOT_REGULAR'], all)
  // Evidence is opened with O_NOFOLLOW: a link swapped in is refused, not followed.
  assert.deepEqual(codes('u_ex210311.log'), ['EXH_ERR_FS_ELOOP'], all)
  assert.equal(broken.errors.length, 3, all)
  for (const e of broken.errors) assert.ok(e.message.length > 0)
  assert.deepEqual(
    broken.keys.filter((k) => k.includes('u_ex210303.log')),
    reference.keys,
    'nothing found in the intact log is lost',
  )
})
