// A files-only hunt of a folder starts its web-file workers before discovery: a rule file yara-x rejects
// is still skipped (and said so) and the rest still match.
import assert from 'node:assert/strict'
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { hunt } from './run.ts'

const MINE = `rule exh_test_early_marker {
  meta:
    proves = "compromise"
  strings:
    $a = "exh-early-start-marker-7f3a"
  condition:
    $a
}
`

function contentWith(files: Record<string, string>): string {
  const root = join(tmpDir(), 'content')
  cpSync(join(REPO_ROOT, 'content'), root, { recursive: true })
  mkdirSync(join(root, 'rules', 'yara'), { recursive: true })
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(root, 'rules', 'yara', name), text)
  return root
}

function evidence(): string {
  const dir = tmpDir()
  const auth = join(dir, 'owa', 'auth')
  mkdirSync(auth, { recursive: true })
  writeFileSync(
    join(auth, 'marked.aspx'),
    '<%@ Page Language="C#" %>\n// exh-early-start-marker-7f3a\n',
  )
  writeFileSync(join(auth, 'plain.aspx'), '<%@ Page Language="C#" %>\n<p>hello</p>\n')
  return dir
}

test('workers started before discovery skip a rule file yara-x rejects and keep the rest', async () => {
  const contentRoot = contentWith({
    'a-broken.yar': 'rule exh_test_broken { condition: no_such_identifier }\n',
    'b-mine.yar': MINE,
  })
  const report = await hunt({ input: evidence(), contentRoot, only: ['files'], workers: 2 })
  const skipped = report.errors.filter((e) => e.message.startsWith('YARA rules skipped'))
  assert.deepEqual(
    skipped.map((e) => e.path),
    ['rules/yara/a-broken.yar'],
  )
  const marked = report.findings.find((f) => f.source.path.endsWith('marked.aspx'))
  assert.ok(marked?.reasons?.some((r) => r.includes('exh_test_early_marker')))
  // Our own rule's meta declares what it proves, and the file's finding carries it.
  assert.equal(marked?.proves, 'compromise')
  assert.equal(
    report.errors.filter((e) => e.code === 'EXH_ERR_CONTENT' && !skipped.includes(e)).length,
    0,
  )
})

test('our own YARA rule without proves in its meta is a content error and runs as a file to review', async () => {
  const contentRoot = contentWith({
    'b-mine.yar': MINE.replace(/ {2}meta:\n {4}proves = "compromise"\n/, ''),
  })
  const report = await hunt({ input: evidence(), contentRoot, only: ['files'], workers: 1 })
  const content = report.errors.filter((e) => e.code === 'EXH_ERR_CONTENT')
  assert.ok(
    content.some(
      (e) => e.path === 'rules/yara/b-mine.yar' && /meta proves is missing/.test(e.message),
    ),
    JSON.stringify(content),
  )
  const marked = report.findings.find((f) => f.source.path.endsWith('marked.aspx'))
  assert.equal(marked?.proves, 'suspicion')
})
