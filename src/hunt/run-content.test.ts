// hunt() with content loaded once by the caller (a batch, a service): nothing is read from contentRoot,
// and the content's problems are in every report.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../test/helpers/corpus.ts'
import { loadContent } from '../content/load.ts'
import { hunt } from './run.ts'

test('a hunt takes the content object it is given and reports its issues', async () => {
  const loaded = loadContent(join(REPO_ROOT, 'content'), { yara: false })
  loaded.issues.push({ file: 'rules/x.yml', path: 'level', severity: 'error', message: 'planted' })
  const report = await hunt({
    input: join(REPO_ROOT, 'demo', 'evidence'),
    content: loaded,
    contentRoot: join(REPO_ROOT, 'no-such-content'),
    only: ['logs'],
    workers: 1,
  })
  assert.equal(report.verdict, 'compromised')
  assert.equal(report.tool.contentVersion, loaded.content.version)
  assert.ok(
    report.errors.some((e) => e.code === 'EXH_ERR_CONTENT' && e.path === 'rules/x.yml'),
    JSON.stringify(report.errors),
  )
  await assert.rejects(
    hunt({ input: join(REPO_ROOT, 'demo', 'evidence'), content: loaded, only: ['files'] }),
    /yara: false/,
  )
  const filesOnly = loadContent(join(REPO_ROOT, 'content'), { nativeRules: false })
  await assert.rejects(
    hunt({ input: join(REPO_ROOT, 'demo', 'evidence'), content: filesOnly, only: ['logs'] }),
    /nativeRules: false/,
  )
})
