// `exhunt content lint` over everything the hunt loads (loadContent): native log rules, web-file
// heuristics, artefact rules, YARA files, IOC sets, the build table, CVE windows and the next-step advice.
// Every problem at once, with file and field; every rule's own samples are run.

import { runArtefactRuleTests } from '../detect/artefacts/index.ts'
import { compileRules } from '../detect/native/compile.ts'
import { compileProbe, runProbeRuleTests } from '../detect/probe/index.ts'
import type { SkippedRule } from '../detect/sigma/index.ts'
import { contentIndex, currentManifest, readManifest } from './index/load-index.ts'
import { manifestProblems } from './index/manifest.ts'
import type { ContentIssue } from './issues.ts'
import { runRuleTests } from './lint.ts'
import { loadContent } from './load.ts'
import { runSigmaRuleTests } from './sigma/index.ts'
import { runHeuristicTests } from './webfile/heuristic-tests.ts'

export interface ContentCounts {
  nativeRules: number
  webfileHeuristics: number
  artefactRules: number
  yaraRules: number
  yaraFiles: number
  /** Sigma rules that run on events, vendored rule files, and rules listed skipped with a reason. */
  sigmaRules: number
  sigmaVendored: number
  sigmaSkipped: number
  iocs: number
  cveFamilies: number
  probeRules: number
}

export interface LintAllResult {
  issues: ContentIssue[]
  /** Sigma rules that compile but do not run, each with its reason (valid Sigma is never dropped silently). */
  sigmaSkipped: SkippedRule[]
  counts: ContentCounts
  tests: { run: number; failed: number; failures: string[] }
}

export function lintAllContent(root: string): LintAllResult {
  const { content, issues } = loadContent(root)
  const nativeRules = content.nativeRules ?? []
  issues.push(...compileRules(nativeRules).issues)
  const native = runRuleTests(nativeRules)
  const failures = [...native.failures]
  let run = native.run

  const heur = content.heuristics
  failures.push(...runHeuristicTests(heur))
  run += [...heur.tests.values()].reduce((n, t) => n + t.positive.length + t.negative.length, 0)

  const art = content.artefactRules
  failures.push(...runArtefactRuleTests(art))
  run += [...art.tests.values()].reduce((n, t) => n + t.positive.length + t.negative.length, 0)

  const probe = compileProbe(content.probe)
  const probeTests = runProbeRuleTests(probe.compiled, content.probe.builds, content.probe.families)
  failures.push(...probeTests.failures)
  run += probeTests.run
  const sigma = content.sigma
  if (sigma) {
    const t = runSigmaRuleTests(sigma, sigma.tests)
    failures.push(...t.failures)
    run += t.run
  }

  // A folder without a manifest (a user's own content) is not held to one.
  const manifest = readManifest(root)
  if (manifest !== undefined)
    issues.push(...manifestProblems(manifest, currentManifest(root, contentIndex(content))))

  return {
    issues,
    sigmaSkipped: sigma?.skipped ?? [],
    counts: {
      nativeRules: nativeRules.length,
      webfileHeuristics: heur.rules.length,
      artefactRules: art.rules.length,
      yaraRules: content.yara?.rules.size ?? 0,
      yaraFiles: content.yara?.files.length ?? 0,
      sigmaRules: sigma?.running ?? 0,
      sigmaVendored: sigma?.vendored ?? 0,
      sigmaSkipped: sigma?.skipped.length ?? 0,
      iocs: content.iocs.shipped.filter((i) => i.type !== 'known_good_name').length,
      cveFamilies: content.cves.length,
      probeRules: probe.rules,
    },
    tests: { run, failed: failures.length, failures },
  }
}
