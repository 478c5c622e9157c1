// A rule whose condition has one broken child is dropped and reported by every loader, never kept with
// the child silently gone: a broken `none:` child used to leave an empty group that is always false, so
// the exclusion turned into "exclude nothing" and the heuristic flagged an ordinary default.aspx.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadArtefactRules } from '../../src/content/artefacts/load-artefact-rules.ts'
import { loadNativeRules } from '../../src/content/rules/load.ts'
import { runHeuristicTests } from '../../src/content/webfile/heuristic-tests.ts'
import { loadHeuristics } from '../../src/content/webfile/load-heuristics.ts'
import { heuristicHits } from '../../src/detect/webfile/heuristics.ts'
import { webFileInfo } from '../../src/detect/webfile/hit.ts'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'

const SHIPPED = join(REPO_ROOT, 'content')

/** A content root holding one shipped rule file, edited by `edit`. */
function rootWith(rel: string, edit: (text: string) => string): string {
  const root = tmpDir('exhunt-broken-child-')
  const text = readFileSync(join(SHIPPED, rel), 'utf8')
  const edited = edit(text)
  mkdirSync(join(root, rel, '..'), { recursive: true })
  writeFileSync(join(root, rel), edited)
  return root
}

/** `after`, once sure the edit found its place in the shipped text. */
function changed(before: string, after: string): string {
  assert.notEqual(after, before, 'the edit must find its place in the shipped rule')
  return after
}

describe('a broken child drops the whole rule', () => {
  const WEB = 'rules/webfile/exh-web-script-in-unexpected-place.yml'

  test('web-file heuristic: a misspelt operator under none: is reported, the rule is not kept', () => {
    const shipped = loadHeuristics(rootWith(WEB, (t) => t))
    assert.equal(shipped.rules.length, 1, 'the unedited rule loads')
    assert.deepEqual(runHeuristicTests(shipped), [], 'and passes its own tests')

    const root = rootWith(WEB, (t) => changed(t, t.replace(/- ext:\n/, '- extension:\n')))
    const loaded = loadHeuristics(root)
    assert.ok(
      loaded.problems.some((p) => /none\[0\].*unknown operator extension/.test(p)),
      loaded.problems.join('\n'),
    )
    assert.deepEqual(
      loaded.rules.map((r) => r.id),
      [],
      'a half-compiled rule would flag every server page outside the listed folders',
    )
    const text = '<%@ Page Language="C#" %><html></html>'
    const file = webFileInfo(
      'C:/inetpub/wwwroot/app/default.aspx',
      'C:/inetpub/wwwroot/app/default.aspx',
      text.length,
    )
    const hits = heuristicHits(loaded, {
      file,
      bytes: Buffer.from(text),
      text,
      lower: text.toLowerCase(),
    })
    assert.deepEqual(hits, [])
  })

  test('artefact rule: a bad regex under none: is reported, the rule is not kept', () => {
    const rel = 'rules/artefacts/exh-art-webconfig-execute-handler.yml'
    const root = rootWith(rel, (t) =>
      changed(
        t,
        t.replace(
          "- path-regex: '(^|/)windows/system32/rpcproxy/web\\.config$'",
          "- path-regex: '(['",
        ),
      ),
    )
    const { rules, issues } = loadArtefactRules(root)
    assert.ok(
      issues.some((i) => i.severity === 'error' && /none\[0\]/.test(i.path)),
      JSON.stringify(issues),
    )
    assert.deepEqual(rules.rules, [])
  })

  test('native rule: an unknown operator under none: is reported, the rule is not kept', () => {
    const rel = 'rules/native/iis/exh-iis-hafnium-user-agent-post.yml'
    const root = rootWith(rel, (t) =>
      changed(
        t,
        t.replace(
          'none:\n      - { field: urlpath, startswith:',
          'none:\n      - { field: urlpath, bogus:',
        ),
      ),
    )
    const { rules, issues } = loadNativeRules(root)
    assert.ok(
      issues.some((i) => i.severity === 'error' && /none\[0\]/.test(i.path)),
      JSON.stringify(issues),
    )
    assert.deepEqual(rules, [])
  })
})
