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

describe('a big IOC feed: one prefilter of its own per worker, not merged into every log type', () => {
  test('the feed is shared, each type keeps only its rules, and the demo gives the same findings', async () => {
    const rules = loadNativeRules(CONTENT).rules
    const shipped = loadIocs(iocContentFiles(CONTENT), { user: false }).iocs
    const feed = Array.from({ length: 3000 }, (_, i) => ({
      ...(shipped.find((x) => x.type === 'domain') as (typeof shipped)[number]),
      value: `feed-${i}.example.net`,
    }))
    // One indicator of the feed is in the demo: the IOC prefilter alone lets its lines through.
    const hit = { ...(feed[0] as (typeof feed)[number]), value: 'about.censys.io' }
    const big = createLogDetectors({ parsed: { rules, iocs: [...shipped, ...feed, hit] } })
    const small = shippedDetectors()
    const shared = big.sharedNeedles ?? []
    assert.ok(shared.length > 3000, `shared needles: ${shared.length}`)
    assert.equal(
      small.sharedNeedles,
      undefined,
      'the shipped IOCs stay merged (one pass per block)',
    )
    for (const t of ['iis', 'httpproxy'] as const) {
      const own = big.needlesFor(t) ?? []
      assert.ok(!own.includes('about.censys.io'), `${t}: the feed is not copied into the type`)
      assert.deepEqual(own, compileRules(rules).set.prefilterFor(t))
    }
    const demoLog = join(REPO_ROOT, 'demo/evidence/C/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log')
    const run = async (withPrefilter: boolean) => {
      const found: string[] = []
      const emit = (f: Finding) => found.push(`${f.rule}@${f.source.line}`)
      const file = big.forFile()
      await scanLog(createReadStream(demoLog), demoLog, {
        needles: withPrefilter ? big.needlesFor : () => null,
        ...(withPrefilter ? { sharedNeedles: shared } : {}),
        onRecord: (rec) => file.match(rec, emit),
        onError: () => {},
      })
      file.finish(emit)
      return found.sort()
    }
    const all = await run(false)
    assert.ok(
      all.some((f) => f.startsWith('ioc:domain:about.censys.io')),
      all.join(' '),
    )
    assert.deepEqual(await run(true), all)
  })
})
