// Shapes of the post-exploitation artefact heuristics (content/rules/artefacts/*.yml, format in
// docs/content-format.md is mirrored by compile-rules.ts) and of what the pure evaluator receives.
import type { Phase, Proof, RuleSource, Severity } from '../../shared/types.ts'
import type { XmlDocument } from '../../shared/xml.ts'

/** What a rule looks at: any file, an archive's members, a scheduled task, a config's entries, an IIS vdir. */
export const ARTEFACT_TARGETS = ['file', 'archive', 'task', 'config', 'iis-vdir'] as const
export type ArtefactTarget = (typeof ARTEFACT_TARGETS)[number]

export const LOCATION_CLASSES = [
  'programdata',
  'windows-temp',
  'c-root',
  'users-public',
  'users',
  'user-temp',
  'web-root',
  'wer',
  'exchange',
  'exchange-web',
  'shell-drop',
  'other-site',
  'system32-tasks',
] as const
export type LocationClass = (typeof LOCATION_CLASSES)[number]

/** One item as the evaluator sees it. No I/O: the scanner reads the bytes, the tests write them inline. */
export interface ArtefactInput {
  /** Display path (relative to the evidence root; `zip!entry` inside archives). */
  path: string
  /** Windows view of the path (`C:\ProgramData\x.zip`); for an IIS vdir, its physicalPath. */
  windowsPath?: string
  /** File name; for an IIS vdir, `<site>/<app>/<vdir>`. */
  name: string
  size: number
  /** First bytes of the file (at most 64 KiB). */
  head?: Uint8Array
  /** Archive member names (zip central directory); absent when the container cannot be listed. */
  members?: readonly string[]
  /** Decoded text of a task XML or config. */
  text?: string
  /** That text read as XML (sources/xml/ readXml); parsed from `text` when absent. */
  xml?: XmlDocument
}

export type ArtefactCondition =
  | { all: ArtefactCondition[] }
  | { any: ArtefactCondition[] }
  | { none: ArtefactCondition[] }
  | { location: Set<LocationClass> }
  | { path: RegExp }
  | { name: RegExp }
  | { ext: Set<string> }
  | { head: Uint8Array[] }
  /** Lowercase needles searched in the head as ASCII and as UTF-16LE. */
  | { headContains: string[] }
  | { member: RegExp }
  | { text: RegExp }
  | { command: RegExp }
  | { entry: RegExp }
  | { minSize: number }
  | { maxSize: number }

export interface CompiledArtefactRule {
  id: string
  title: string
  level: Severity
  /** What a hit proves on its own (content `proves:`). */
  proves: Proof
  target: ArtefactTarget
  phase?: Phase
  attack: string[]
  match: ArtefactCondition
  reasons: string[]
  source: RuleSource
}

export interface ArtefactSample {
  /** Windows path of the sample (`C:\ProgramData\a.zip`); the name is its last part unless given. */
  path: string
  name?: string
  size?: number
  text?: string
  hex?: string
  members?: string[]
}

export interface CompiledArtefactRules {
  rules: CompiledArtefactRule[]
  /** Inline tests by rule id, run by `runArtefactRuleTests`. */
  tests: Map<string, { positive: ArtefactSample[]; negative: ArtefactSample[] }>
}
