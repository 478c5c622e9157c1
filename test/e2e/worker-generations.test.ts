// A full hunt where log workers finish and web-file workers start after them (the normal order on a
// real drive with over 200 web files). With re2 1.23 the second generation of worker threads crashed
// the whole process while loading the addon (uhop/node-re2#235, fixed in 1.24.0): exit 133, no report.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { demoWithPages } from '../helpers/demo-with-pages.ts'
import { huntJson } from './cli.ts'

test('logs then 240 web files on two workers: both pools run, the report is complete', async () => {
  const root = demoWithPages()
  const run = await huntJson(root, ['-j', '2'])
  assert.equal(run.code, 1, run.stderr)
  assert.equal(run.report.verdict, 'compromised')
  assert.equal(run.report.stats.workers, 2)
  assert.ok(run.report.stats.files >= 240, `web files scanned: ${run.report.stats.files}`)
  assert.ok(run.report.stats.records > 0, 'log records read')
})
