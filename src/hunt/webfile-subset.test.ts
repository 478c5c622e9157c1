// A web worker given the hunt's few files compiles only the rules they can match: its findings are those
// of the whole rule set, for those files and for any other content it meets (compiled in full then).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { corpusPath, corpusSkip, REPO_ROOT } from '../../test/helpers/corpus.ts'
import { loadHeuristics } from '../content/webfile/load-heuristics.ts'
import { loadYara } from '../content/yara/load-yara.ts'
import { emptyBaseline } from '../detect/webfile/baseline-check.ts'
import { fileArtefact } from './scan-files.test-helper.ts'
import type { WebWorkerData } from './webfile-job.ts'
import { webFileJobs } from './webfile-pool.ts'
import { compileWebContent, scanWebJob } from './webfile-worker.ts'

const CONTENT = join(REPO_ROOT, 'content')

test('a rule subset for some files: same findings as all rules, for them and for a file outside it', {
  skip: corpusSkip,
  timeout: 300_000,
}, async () => {
  const yara = loadYara(CONTENT, [], { compile: false })
  const data: WebWorkerData = {
    yaraSources: yara.sources,
    yaraRules: yara.rules,
    yaraFilters: yara.filters,
    heuristics: loadHeuristics(CONTENT),
    baseline: emptyBaseline(),
    iocs: [],
    maxFileBytes: 32 << 20,
  }
  const shell = (n: string) => corpusPath('webshells', 'malicious', 'dev', n)
  const inSubset = [
    fileArtefact(
      corpusPath('webshells', 'benign', 'mono-xsp', 'test', 'button-vb.aspx'),
      'inetpub/wwwroot/aspnet_client/button-vb.aspx',
    ),
    fileArtefact(
      shell('101b592cb885_479c1e1f1c263abe339de8be99806c733da4e8c1.aspx'),
      'inetpub/wwwroot/aspnet_client/a.aspx',
    ),
  ]
  // Not among the files the subset was chosen for: another shell, scanned with the whole set.
  const outside = fileArtefact(
    shell('15cf99a15280_3b7910a499c603715b083ddb6f881c1a0a3a924d.aspx'),
    'inetpub/wwwroot/aspnet_client/b.aspx',
  )
  const items = webFileJobs([...inSubset, outside]).flatMap((j) => j.items)
  const subset = await compileWebContent({
    ...data,
    subsetFor: webFileJobs(inSubset).flatMap((j) => j.items),
  })
  assert.ok(subset.subset, 'the worker chose a subset')
  assert.equal(subset.subset.digests.size, 2)
  const whole = await compileWebContent(data)
  assert.equal(whole.subset, undefined)
  const got = await scanWebJob(subset, { items }, new Int32Array(1))
  const want = await scanWebJob(whole, { items }, new Int32Array(1))
  assert.deepEqual(got.errors, [])
  assert.deepEqual(got, want)
  // Both shells flagged through YARA, the outside one too.
  const yaraOn = got.findings.filter((f) => f.reasons?.some((r) => r.startsWith('YARA ')))
  assert.deepEqual(yaraOn.map((f) => f.source.path).sort(), [
    'inetpub/wwwroot/aspnet_client/a.aspx',
    'inetpub/wwwroot/aspnet_client/b.aspx',
  ])
})
