// `exhunt content lint` over everything the hunt loads: native log rules, web-file heuristics,
// artefact rules, YARA files, IOC sets, the build table, CVE windows and the next-step advice.
// Every problem at once, with file and field; every rule's own samples are run.

import { runArtefactRuleTests } from '../detect/artefacts/index.ts'
import { loadAdviceWithIssues } from './advice.ts'
import { loadArtefactRules } from './artefacts/load-artefact-rules.ts'
import { loadCveInfo } from './builds/cves.ts'
import { loadBuildTableChecked } from './builds/load.ts'
import { currentManifest, readManifest } from './index/load-index.ts'
import { manifestProblems } from './index/manifest.ts'
import { iocContentFiles, loadIocs } from './ioc/load.ts'
import type { ContentIssue } from './issues.ts'
import { lintContent } from './lint.ts'
import { runHeuristicTests } from './webfile/heuristic-tests.ts'
import { loadHeuristics } from './webfile/load-heuristics.ts'
import { loadYara } from './yara/load-yara.ts'

export interface ContentCounts {
  nativeRules: number
  webfileHeuristics: number
  artefactRules: number
  yaraRules: number
  yaraFiles: number
  iocs: number
  cveFamilies: number
}

export interface LintAllResult {
  issues: ContentIssue[]
  counts: ContentCounts
  tests: { run: number; failed: number; failures: string[] }
}

export function lintAllContent(root: string): LintAllResult {
  const native = lintContent(root)
  const issues: ContentIssue[] = [...native.issues]
  const failures = [...native.tests.failures]
  let run = native.tests.run

  const heur = loadHeuristics(root)
  for (const p of heur.problems) {
    issues.push({ file: 'rules/webfile', path: '', severity: 'error', message: p })
  }
  const heurFailures = runHeuristicTests(heur)
  run += [...heur.tests.values()].reduce((n, t) => n + t.positive.length + t.negative.length, 0)
  failures.push(...heurFailures)

  const art = loadArtefactRules(root)
  issues.push(...art.issues)
  const artFailures = runArtefactRuleTests(art.rules)
  run += [...art.rules.tests.values()].reduce(
    (n, t) => n + t.positive.length + t.negative.length,
    0,
  )
  failures.push(...artFailures)

  const yara = loadYara(root)
  for (const s of yara.skipped) {
    issues.push({ file: s.file, path: '', severity: 'warning', message: `YARA: ${s.reason}` })
  }
  issues.push(...yara.issues)

  const iocs = loadIocs(iocContentFiles(root), { user: false })
  issues.push(...iocs.issues)
  issues.push(...loadBuildTableChecked(root).issues)
  issues.push(...loadAdviceWithIssues(root).issues)
  const cves = loadCveInfo(root)
  // A folder without a manifest (a user's own content) is not held to one.
  const manifest = readManifest(root)
  if (manifest !== undefined) issues.push(...manifestProblems(manifest, currentManifest(root)))

  return {
    issues,
    counts: {
      nativeRules: native.rules,
      webfileHeuristics: heur.rules.length,
      artefactRules: art.rules.rules.length,
      yaraRules: yara.rules.size,
      yaraFiles: yara.files.length,
      iocs: iocs.iocs.filter((i) => i.type !== 'known_good_name').length,
      cveFamilies: cves.length,
    },
    tests: { run, failed: failures.length, failures },
  }
}
