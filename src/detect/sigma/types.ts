// The plain data the Sigma engine compiles (content/sigma loads it; a test can build it by hand): rules
// as parsed YAML plus their header and policy, and the logsource mapping (content/mappings). Cloneable.
import type { RuleHeader } from '../../shared/rule-header.ts'
import type { Phase } from '../../shared/types.ts'

/** One Sigma rule file as loaded: its detection stays raw YAML data; the engine compiles it. */
export interface SigmaRuleData {
  /** Content-relative path of the rule file. */
  file: string
  /** Mapped from Sigma's fields (id, title, level, tags, references, author) and our policy (proves). */
  header: RuleHeader
  /** From the first ATT&CK tactic tag. */
  phase?: Phase
  /** Upstream link for vendored rules (DRL 1.1 attribution); our own rules have none. */
  url?: string
  logsource: Readonly<Record<string, string>>
  /** `detection:` as parsed (selections, `condition`, maybe `timeframe`). */
  detection: unknown
  /** Top-level keys that make a rule something this engine does not run (correlation, ...). */
  unsupportedKeys?: string[]
  /** Listed in the noisy-rules list: compiled, not run unless asked (the reason says why). */
  noisy?: string
}

/** Where the events of one Sigma logsource are, and how its field names read on them. */
export interface EventSource {
  channel: string
  provider?: string
  /** Only these EventIDs (none: every event of the channel). */
  eventIds?: number[]
  /** Sigma field name → the event's field name (e.g. Image → NewProcessName for Security 4688). */
  fields?: Readonly<Record<string, string>>
}

export interface LogsourceMapping {
  /** Logsource keys that must all equal the rule's (product, category, service). */
  when: Readonly<Record<string, string>>
  sources: readonly EventSource[]
}

export interface SigmaMapping {
  logsources: readonly LogsourceMapping[]
  /**
   * Logsources that have no events here, with why (`category: webserver` is read from IIS logs by the
   * native rules): such rules are listed skipped with this reason, not reported as broken.
   */
  elsewhere?: readonly { when: Readonly<Record<string, string>>; reason: string }[]
}

export interface SigmaContent {
  rules: readonly SigmaRuleData[]
  mapping: SigmaMapping
  /** Run the rules of the noisy list too (hayabusa's --enable-noisy-rules). */
  noisy?: boolean
}

/** A rule that compiled (or not) but does not run, and why. */
export interface SkippedRule {
  rule: string
  file: string
  title: string
  reason: string
  /** What kind of reason: a construct the engine lacks, a logsource without events, the noisy list. */
  kind: 'unsupported' | 'logsource' | 'noisy'
}
