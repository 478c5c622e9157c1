// The README's sample outputs are true (issue 12 §5): compared with real runs of the demo, ignoring
// times, durations and worker counts. The README may show an excerpt (`…` lines, `"…"` in JSON);
// `npm run readme:sample` (scripts/readme-sample.ts) rewrites the samples from a run.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { type Block, readBlocks, replaceBlock } from '../scripts/readme/blocks.ts'
import { type DemoRuns, demoRuns, HUNT_COMMAND, LINT_COMMAND } from '../scripts/readme/demo-run.ts'
import {
  INDEX_SAMPLES,
  runSample,
  sampleCommand,
  sampleLines,
} from '../scripts/readme/index-samples.ts'
import { jsonProblems, jsonSample } from '../scripts/readme/json-sample.ts'
import { excerptProblems, excerptText } from '../scripts/readme/text-excerpt.ts'
import { REPO_ROOT } from './helpers/corpus.ts'

const FIX = 'run `npm run readme:sample` to rewrite the samples from the demo'

describe('README samples match a run of the demo', () => {
  let runs: DemoRuns
  let blocks: Map<string, Block>
  before(() => {
    runs = demoRuns()
    blocks = readBlocks(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'))
  })

  const block = (name: string): string[] => {
    const b = blocks.get(name)
    assert.ok(b, `README.md lost its <!-- readme-sample:${name} --> markers`)
    return b.lines
  }

  it('`exhunt hunt demo/evidence` (text): every shown line, in order', () => {
    const [command, ...shown] = block('hunt-text')
    assert.equal(command, HUNT_COMMAND)
    assert.ok(shown.length > 20)
    assert.deepEqual(excerptProblems(shown, runs.text.split('\n')), [], FIX)
  })

  it('`--format json`: every key shown, with its value', () => {
    const shown = JSON.parse(block('hunt-json').join('\n')) as unknown
    assert.deepEqual(jsonProblems(shown, JSON.parse(runs.json)), [], FIX)
  })

  it('`exhunt content lint`: exactly', () => {
    assert.deepEqual(block('content-lint'), [LINT_COMMAND, ...runs.lint.trimEnd().split('\n')], FIX)
  })

  it('what the script writes passes these checks', () => {
    assert.deepEqual(excerptProblems(excerptText(runs.text), runs.text.split('\n')), [])
    const sample = JSON.parse(jsonSample(JSON.parse(runs.json)).join('\n')) as unknown
    assert.deepEqual(jsonProblems(sample, JSON.parse(runs.json)), [])
  })
})

describe('README samples of content list/show, cve and build match real runs', () => {
  const blocks = readBlocks(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'))
  for (const s of INDEX_SAMPLES) {
    it(`\`${sampleCommand(s).slice(2)}\`: every shown line, in order`, () => {
      const b = blocks.get(s.name)
      assert.ok(b, `README.md lost its <!-- readme-sample:${s.name} --> markers`)
      const [command, ...shown] = b.lines
      assert.equal(command, sampleCommand(s))
      const real = runSample(s)
      assert.deepEqual(excerptProblems(shown, real.split('\n')), [], FIX)
      assert.deepEqual(excerptProblems(sampleLines(s, real).slice(1), real.split('\n')), [])
    })
  }
})

describe('the sample comparisons can fail', () => {
  const real = [
    'exhunt 0.1.0 · content 0.1.0+77be32fe4f87 · demo/evidence',
    '269 findings in 17 files · 1.5 s on 2 workers · 867 rules',
    '',
    'WHY',
    '  • one (first 2026-12-03T13:17:48Z)',
    '  • two',
    '  • three',
  ]

  it('times, durations, worker counts and the content hash are ignored; `…` skips lines', () => {
    const shown = [
      'exhunt 0.1.0 · content 0.1.0+0123456789ab · demo/evidence',
      '269 findings in 17 files · 9.9 s on 16 workers · 867 rules',
      '',
      'WHY',
      '  • one (first 2021-01-01T00:00:00Z)',
      '  …',
      '  • three',
    ]
    assert.deepEqual(excerptProblems(shown, real), [])
  })

  it('a changed count, a missing line, lines out of order, a gap without `…`', () => {
    const changed = real.map((l) => l.replace('269 findings', '268 findings'))
    assert.equal(excerptProblems(changed, real).length, 1)
    assert.equal(excerptProblems([...real, '  • four'], real).length, 1)
    assert.equal(
      excerptProblems(['  • three', '  …', '  • one (first 2021-01-01T00:00:00Z)'], real).length,
      1,
    )
    assert.equal(excerptProblems(['WHY', '  • two'], real).length, 1)
  })

  it('JSON: values, list lengths without "…", and `…` inside strings', () => {
    const r = {
      a: 'abcdef',
      n: 3,
      xs: [1, 2, 3],
      t: '2021-03-03T06:10:05Z',
      stats: { durationMs: 5 },
    }
    assert.deepEqual(
      jsonProblems(
        { a: 'abc…', xs: [2, '…'], t: '2020-01-01T00:00:00Z', stats: { durationMs: 9 } },
        r,
      ),
      [],
    )
    assert.ok(jsonProblems({ n: 4 }, r).length > 0)
    assert.ok(jsonProblems({ xs: [1, 2] }, r).length > 0)
    assert.ok(jsonProblems({ xs: [3, 1, '…'] }, r).length > 0)
    assert.ok(jsonProblems({ a: 'abd…' }, r).length > 0)
    assert.ok(jsonProblems({ missing: 1 }, r).length > 0)
  })

  it('blocks are found and replaced by their markers only', () => {
    const md = 'x\n<!-- readme-sample:a -->\n```\nold\n```\n<!-- /readme-sample -->\ny\n'
    assert.deepEqual(readBlocks(md).get('a')?.lines, ['old'])
    assert.equal(replaceBlock(md, 'a', ['new', 'er']), md.replace('old', 'new\ner'))
    assert.throws(() => replaceBlock(md, 'b', []))
  })
})
