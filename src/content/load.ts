// One load of everything the hunt, `content lint` and the index read: rules of every engine, IOCs (shipped
// and the user's, merged), the build table, CVE windows, advice and baselines. Parsed once; every problem
// comes back in `issues`, never thrown. `content` is plain data (it survives structuredClone), so it can be
// handed to worker threads and kept by a long-lived service.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { CompiledArtefactRules } from '../detect/artefacts/index.ts'
import type { ProbeContent } from '../detect/probe/index.ts'
import type { SigmaContent, SkippedRule } from '../detect/sigma/index.ts'
import type { Baseline } from '../detect/webfile/baseline-check.ts'
import type { Advice } from '../shared/advice.ts'
import type { ContentIssue } from '../shared/content-issue.ts'
import { ExhuntError } from '../shared/errors.ts'
import { VERSION } from '../shared/version.ts'
import { loadAdviceWithIssues } from './advice.ts'
import { loadArtefactRules } from './artefacts/load-artefact-rules.ts'
import { loadBaselines } from './baseline/load-baseline.ts'
import { type CveInfo, loadCveInfoChecked } from './builds/cves.ts'
import { type BuildTable, loadBuildTableChecked } from './builds/load.ts'
import { type Ioc, iocContentFiles, loadIocs, mergeIocs } from './ioc/load.ts'
import { type IocProves, loadIocProves } from './ioc/proves.ts'
import { loadProbeContent } from './probe/load-probe.ts'
import { loadNativeRules, type NativeRule } from './rules/load.ts'
import { loadSigma, type SigmaTests } from './sigma/index.ts'
import { contentVersion } from './version-stamp.ts'
import {
  heuristicIssues,
  type LoadedHeuristics,
  loadHeuristics,
} from './webfile/load-heuristics.ts'
import { type CompiledYara, loadYara } from './yara/load-yara.ts'

export interface Content {
  /** The folder it was read from. */
  root: string
  /** `<package version>+<12 hex of the content's digest>`, the stamp every report carries. */
  version: string
  /** Undefined when the caller asked not to load them (a files-only hunt). */
  nativeRules?: NativeRule[]
  /** Web-file heuristics with their inline tests. */
  heuristics: Pick<LoadedHeuristics, 'rules' | 'tests'>
  artefactRules: CompiledArtefactRules
  /**
   * YARA rule texts that yara-x accepted, their attribution and `proves`, context filters (no compiled
   * scanner: that is not cloneable; each scan compiles its own from `sources`). Undefined when the caller
   * asked not to load YARA (a logs-only hunt spares the ~0.2 s of validating every file).
   */
  yara?: CompiledYara
  /**
   * Sigma rules over Windows events (vendored SigmaHQ rules and our own), their logsource mapping and
   * verdict policy; `skipped` lists each rule that does not run, with the reason. Undefined when the
   * caller asked not to load them (nothing reads event logs yet in a hunt).
   */
  sigma?: SigmaContent & {
    skipped: SkippedRule[]
    tests: Map<string, SigmaTests>
    vendored: number
    running: number
  }
  iocs: {
    shipped: Ioc[]
    /** From `iocFiles`; their `proves` comes from the shipped table. */
    user: Ioc[]
    /** Shipped then user, one per type and value (what the hunt matches). */
    all: Ioc[]
    /** content/ioc/proves.yml: what an indicator of each type proves. */
    proves: IocProves
  }
  builds: BuildTable
  cves: CveInfo[]
  advice: Advice
  /** content/baselines plus the `baselines` given. */
  baseline: Baseline
  /**
   * Probe rules (content/probe) that compile, with the file-path IOCs, build table and CVE families the
   * probe engine reads: `compileProbe(content.probe)` (detect/probe).
   */
  probe: ProbeContent
}

export interface LoadContentOptions {
  /** User IOC feeds (`--ioc FILE`). */
  iocFiles?: readonly string[]
  /** Known-good hash lists or folders (`--baseline`). */
  baselines?: readonly string[]
  /** false: leave `yara` undefined (nothing will scan web files with it). */
  yara?: boolean
  /** false: leave `nativeRules` undefined (nothing will read logs with them). */
  nativeRules?: boolean
  /** false: leave `sigma` undefined (nothing will read event logs with it). */
  sigma?: boolean
}

export interface LoadedContent {
  content: Content
  issues: ContentIssue[]
}

/** Throws EXH_ERR_CONTENT_MISSING only when `root` is no content folder at all; all else is an issue. */
export function loadContent(root: string, opts: LoadContentOptions = {}): LoadedContent {
  if (!existsSync(join(root, 'rules'))) {
    throw new ExhuntError(
      'EXH_ERR_CONTENT_MISSING',
      `no content at ${root} (expected ${join(root, 'rules')}); check --content`,
    )
  }
  const issues: ContentIssue[] = []
  const take = <T extends { issues: ContentIssue[] }>(r: T): T => {
    issues.push(...r.issues)
    return r
  }
  // IOCs first: their problems led the hunt's errors before, and still do.
  const shipped = take(loadIocs(iocContentFiles(root), { user: false }))
  const proves = loadIocProves(root).proves
  const user = take(loadIocs([...(opts.iocFiles ?? [])], { user: true, proves }))
  const native = opts.nativeRules === false ? undefined : take(loadNativeRules(root))
  let yara: CompiledYara | undefined
  if (opts.yara !== false) {
    yara = loadYara(root, [], { compile: false })
    for (const s of yara.skipped)
      issues.push({ file: s.file, path: '', severity: 'warning', message: `YARA: ${s.reason}` })
    issues.push(...yara.issues)
  }
  const sigma = opts.sigma === false ? undefined : take(loadSigma(root))
  const heur = loadHeuristics(root)
  issues.push(...heuristicIssues(heur.problems, heur.warnings))
  const baselines = loadBaselines([join(root, 'baselines'), ...(opts.baselines ?? [])])
  for (const e of baselines.errors) {
    // An empty list (content/baselines ships none) is worth a lint warning, not a hunt error.
    const severity = e.code === 'EXH_ERR_BASELINE_EMPTY' ? 'warning' : 'error'
    issues.push({ file: e.path, path: '', severity, message: e.message, code: e.code })
  }
  const art = take(loadArtefactRules(root))
  const builds = take(loadBuildTableChecked(root))
  const cves = take(loadCveInfoChecked(root))
  const advice = take(loadAdviceWithIssues(root))
  const probe = take(loadProbeContent(root, shipped.iocs, builds.table, cves.cves))
  const content: Content = {
    root,
    version: contentVersion(root, VERSION),
    heuristics: { rules: heur.rules, tests: heur.tests },
    artefactRules: art.rules,
    iocs: {
      shipped: shipped.iocs,
      user: user.iocs,
      all: mergeIocs(shipped.iocs, user.iocs),
      proves,
    },
    builds: builds.table,
    cves: cves.cves,
    advice: advice.advice,
    baseline: baselines.baseline,
    probe: probe.probe,
  }
  if (native) content.nativeRules = native.rules
  if (yara) content.yara = yara
  if (sigma)
    content.sigma = {
      ...sigma.sigma,
      skipped: sigma.skipped,
      tests: sigma.tests,
      vendored: sigma.vendored,
      running: sigma.running,
    }
  return { content, issues }
}
