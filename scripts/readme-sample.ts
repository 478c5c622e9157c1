// Rewrites the README's sample outputs from real runs of the demo: `npm run readme:sample`.
// (test/readme-sample.test.ts fails when the README no longer matches a run.)
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HuntReport } from '../src/shared/types.ts'
import { replaceBlock } from './readme/blocks.ts'
import { demoRuns, HUNT_COMMAND, LINT_COMMAND, REPO } from './readme/demo-run.ts'
import { INDEX_SAMPLES, runSample, sampleLines } from './readme/index-samples.ts'
import { jsonSample } from './readme/json-sample.ts'
import { excerptText } from './readme/text-excerpt.ts'

const file = join(REPO, 'README.md')
const runs = demoRuns()
let md = readFileSync(file, 'utf8')
md = replaceBlock(md, 'hunt-text', [HUNT_COMMAND, ...excerptText(runs.text)])
md = replaceBlock(md, 'hunt-json', jsonSample(JSON.parse(runs.json) as HuntReport))
md = replaceBlock(md, 'content-lint', [LINT_COMMAND, ...runs.lint.trimEnd().split('\n')])
for (const s of INDEX_SAMPLES) md = replaceBlock(md, s.name, sampleLines(s, runSample(s)))
writeFileSync(file, md)
console.log(
  `README.md: samples rewritten from runs of the demo (${runs.text.split('\n').length} lines of text)`,
)
