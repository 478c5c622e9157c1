// The prefilter may only skip lines no rule or indicator can match: the shipped rules' positive test
// lines pass it, and every corpus log gives the same findings with it as without it.
import assert from 'node:assert/strict'
import { createReadStream, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { corpusPath, corpusSkip, REPO_ROOT } from '../../test/helpers/corpus.ts'
import { iocContentFiles, loadIocs } from '../content/ioc/load.ts'
import { loadNativeRules } from '../content/rules/load.ts'
import { testRecord } from '../content/rules/test-record.ts'
import { compileRules } from '../detect/native/compile.ts'
import { ruleMatches } from '../detect/native/match.ts'
import type { Finding } from '../shared/types.ts'
import { scanLog } from '../sources/logs/index.ts'
import { compileNeedles } from '../sources/logs/needles.ts'
import { createLogDetectors } from './log-detectors.ts'

const CONTENT = join(REPO_ROOT, 'content')

/** Detectors as a hunt makes them: content parsed here, compiled by createLogDetectors. */
function shippedDetectors() {
  const rules = loadNativeRules(CONTENT).rules
  const iocs = loadIocs(iocContentFiles(CONTENT), { user: false }).iocs
  return createLogDetectors({ parsed: { rules, iocs } })
}

function keeps(
  needles: ReturnType<ReturnType<typeof createLogDetectors>['needlesFor']>,
  line: string,
  csv: boolean,
) {
  if (needles === null) return true
  const m = compileNeedles(needles)
  if (m === null) return true
  const buf = Buffer.from(line, 'utf8')
  m.reset(buf, csv ? 44 : 32)
  return m.wants(0, buf.length)
}

describe('log prefilter loses nothing', () => {
  test('every positive line test of a shipped rule passes its log types prefilter', () => {
    const detectors = shippedDetectors()
    const { rules } = loadNativeRules(CONTENT)
    const { set } = compileRules(rules)
    let checked = 0
    for (const rule of rules) {
      const c = set.byId(rule.id)
      if (!c) continue
      rule.tests.positive.forEach((t, i) => {
        if (t.kind !== 'line') return
        const rec = testRecord(rule, t, `${rule.id}#${i}`)
        assert.ok(ruleMatches(c, rec), `${rule.id} positive ${i} matches`)
        for (const type of rule.source) {
          const csv = t.header?.includes(',') ?? false
          assert.ok(
            keeps(detectors.needlesFor(type), t.line, csv),
            `${rule.id} positive ${i} (${type})`,
          )
          checked++
        }
      })
    }
    assert.ok(checked > 20, `only ${checked} line tests checked`)
  })

  test('corpus logs: same findings with the prefilter as when every line is parsed', {
    skip: corpusSkip,
  }, async () => {
    const detectors = shippedDetectors()
    const root = corpusPath('logs')
    const files = readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(log|txt)$/i.test(e.name))
      .map((e) => join(e.parentPath, e.name))
    assert.ok(files.length > 10)
    const run = async (path: string, prefilter: boolean) => {
      const found: string[] = []
      const emit = (f: Finding) => found.push(`${f.rule}@${f.source.line}`)
      const file = detectors.forFile()
      await scanLog(createReadStream(path), path, {
        needles: prefilter ? detectors.needlesFor : () => null,
        onRecord: (rec) => file.match(rec, emit),
        onError: () => {},
      })
      for (const o of file.finish(emit)) found.push(`${o.rule}@${o.line}`)
      return found.sort()
    }
    let total = 0
    for (const path of files) {
      const all = await run(path, false)
      assert.deepEqual(await run(path, true), all, path)
      total += all.length
    }
    assert.ok(total > 0, 'the corpus logs hold findings')
  })
})
