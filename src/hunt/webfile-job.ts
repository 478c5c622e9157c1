// Plain-data messages between the web-file scan and its workers (webfile-worker.ts).
import type { Ioc } from '../detect/ioc/index.ts'
import type { Baseline } from '../detect/webfile/baseline-check.ts'
import type { CompiledHeuristics } from '../detect/webfile/heuristics.ts'
import type { YaraContextFilter } from '../detect/yara/context-filter.ts'
import type { YaraRuleInfo } from '../detect/yara/yara-hits.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import type { ArtefactRef } from '../sources/artefact.ts'
import type { ResultCacheConfig } from './result-cache.ts'
import type { WebFileMeta } from './webfile-scan.ts'

/** What a worker compiles once: the validated YARA texts, heuristics, baseline and IOCs (all cloneable). */
export interface WebWorkerData {
  yaraSources: string[]
  yaraRules: Map<string, YaraRuleInfo>
  yaraFilters: YaraContextFilter[]
  heuristics: CompiledHeuristics
  baseline: Baseline
  iocs: readonly Ioc[]
  maxFileBytes: number
  /** `--cache DIR`: each worker opens the same persistent result cache. */
  cache?: ResultCacheConfig
  /**
   * The hunt's only web files (a one-shot hunt with a few): the worker compiles just the YARA rules
   * their contents can match (content/yara/rule-subset.ts), and all of them for any other content.
   */
  subsetFor?: WebFileItem[]
}

export interface WebFileItem {
  ref: ArtefactRef
  meta: WebFileMeta
  size: number
}

/** Small files travel in batches: one message per file would cost more than scanning it. */
export interface WebFileJob {
  items: WebFileItem[]
}

export interface WebFileJobResult {
  findings: Finding[]
  errors: ItemError[]
  /** Files and bytes actually scanned (unreadable or oversized files are errors instead). */
  files: number
  bytes: number
  /** The hunt was aborted during the batch: `unscanned` files of it were not read. */
  unscanned?: number
}
