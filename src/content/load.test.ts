// loadContent: one load of the whole content as plain data, every problem as an issue.
import assert from 'node:assert/strict'
import { cpSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { shippedCounts } from '../../test/helpers/content-counts.ts'
import { REPO_ROOT } from '../../test/helpers/corpus.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { VERDICTS } from '../shared/types.ts'
import { loadContent } from './load.ts'

const SHIPPED = join(REPO_ROOT, 'content')

function copy(): string {
  const root = join(tmpDir('exhunt-load-content-'), 'content')
  cpSync(SHIPPED, root, { recursive: true })
  return root
}

describe('loadContent', () => {
  const { content, issues } = loadContent(SHIPPED)

  test('the shipped content loads without an error and holds every part', () => {
    assert.deepEqual(
      issues.filter((i) => i.severity === 'error'),
      [],
    )
    const counts = shippedCounts()
    assert.ok((content.nativeRules?.length ?? 0) > 0)
    assert.ok(content.heuristics.rules.length > 0)
    assert.ok(content.artefactRules.rules.length > 0)
    assert.ok((content.yara?.rules.size ?? 0) > 0)
    assert.ok(content.yara?.sources.length)
    assert.equal(content.yara?.scanner, null, 'no compiled scanner: it is not plain data')
    assert.ok(content.iocs.shipped.length > 0)
    assert.deepEqual(content.iocs.user, [])
    assert.equal(content.iocs.all.length, content.iocs.shipped.length)
    assert.equal(content.builds.rows.length, counts.buildRows)
    assert.deepEqual(
      content.cves.map((c) => c.id),
      ['owassrf', 'proxylogon', 'proxynotshell', 'proxyshell'],
    )
    assert.deepEqual(Object.keys(content.advice).sort(), [...VERDICTS].sort())
    assert.match(content.version, /^\d+\.\d+\.\d+.*\+[0-9a-f]{12}$/)
  })

  test('survives structuredClone: what a worker thread or a service store receives is the same', () => {
    const clone = structuredClone(content)
    assert.deepEqual(clone, content)
    // The compiled parts that travel are data too: a regex, a Set, a Map keep working after the copy.
    assert.ok(clone.heuristics.rules.every((r) => r.match !== undefined))
    assert.ok(clone.yara?.rules instanceof Map)
  })

  test('yara: false leaves YARA out, nativeRules: false the log rules, nothing else', () => {
    const lite = loadContent(SHIPPED, { yara: false })
    assert.equal(lite.content.yara, undefined)
    assert.equal(lite.content.nativeRules?.length, content.nativeRules?.length)
    const files = loadContent(SHIPPED, { nativeRules: false })
    assert.equal(files.content.nativeRules, undefined)
    assert.equal(files.content.yara?.rules.size, content.yara?.rules.size)
    assert.equal(files.content.heuristics.rules.length, content.heuristics.rules.length)
  })

  test('a user IOC feed is merged after the shipped set, proving what its type proves', () => {
    const feed = join(tmpDir('exhunt-load-ioc-'), 'feed.txt')
    writeFileSync(feed, 'evil-exhunt-test.example\n')
    const r = loadContent(SHIPPED, { iocFiles: [feed], yara: false })
    assert.equal(r.content.iocs.user.length, 1)
    assert.equal(r.content.iocs.all.length, content.iocs.shipped.length + 1)
    assert.equal(r.content.iocs.user[0]?.proves, r.content.iocs.proves.get('domain'))
  })

  test('a missing CVE folder and a missing advice file are errors, not silent fallbacks', () => {
    const root = copy()
    rmSync(join(root, 'cves'), { recursive: true })
    rmSync(join(root, 'advice', 'next-steps.yml'))
    const r = loadContent(root, { yara: false })
    const errors = r.issues.filter((i) => i.severity === 'error').map((i) => i.file)
    assert.ok(errors.includes('cves'), JSON.stringify(r.issues))
    assert.ok(errors.includes('advice/next-steps.yml'), JSON.stringify(r.issues))
    assert.deepEqual(r.content.cves, [])
    assert.deepEqual(r.content.advice, {})
  })

  test('a folder that is no content at all is the one thing it throws on', () => {
    assert.throws(
      () => loadContent(tmpDir('exhunt-no-content-')),
      (e: Error & { code?: string }) => e.code === 'EXH_ERR_CONTENT_MISSING',
    )
  })
})
