// The contract every module shares: records in, findings and a report out.
// No I/O here; detect/, report/ and web/ may import this file.
import type { ProbeLevel, ProbeTargetResult, ProbeVerdict } from './probe.ts'

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

/** Lightest first: `no-evidence` (nothing examined could show exploitation) < ... < `compromised`. */
export const VERDICTS = [
  'no-evidence',
  'clean',
  'exposed',
  'suspicious',
  'attempted',
  'compromised',
] as const
export type Verdict = (typeof VERDICTS)[number]

/**
 * The most a finding can prove on its own, weakest first. Every rule declares it in its content
 * (`proves:`); an outcome of `attempt` caps it at `attempt` (analysis/verdict.ts). `context` never moves
 * the verdict; `suspicion` makes it `suspicious` ("review these files").
 */
export const PROOFS = ['context', 'suspicion', 'attempt', 'compromise'] as const
export type Proof = (typeof PROOFS)[number]

export function isProof(s: unknown): s is Proof {
  return typeof s === 'string' && (PROOFS as readonly string[]).includes(s)
}

export const CATEGORIES = [
  'exploitation',
  'webshell',
  'post-exploitation',
  'ioc',
  'exposure-context',
  'reconnaissance',
  'context',
] as const
export type Category = (typeof CATEGORIES)[number]

/** Where in an attack a finding sits; drives the per-phase timeline. */
export const PHASES = [
  'reconnaissance',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'exfiltration',
  'command-and-control',
  'impact',
] as const
export type Phase = (typeof PHASES)[number]

/**
 * Did the attacker get what they asked for? An `attempt` finding makes a verdict at most `attempted`,
 * whatever its rule `proves`; correlation (analysis/correlate.ts) may upgrade it to `success`.
 */
export type Outcome = 'success' | 'attempt' | 'unknown'

export type EngineName =
  | 'native'
  | 'sigma'
  | 'yara'
  | 'ioc'
  | 'heuristic'
  | 'artefact'
  | 'baseline'
  | 'probe'

/** Log types exhunt parses. Keys of `LogRecord.fields` are the header names, lowercased. */
export const LOG_TYPES = [
  'iis',
  'httpproxy',
  'ecp-server',
  'ecp-activity',
  'oab-generator',
  'rps-cmdlet',
  'rps-http',
  'local-powershell',
  'message-tracking',
  'autodiscover',
  'ews',
  'smtp-receive',
  'exchange-other',
] as const
export type LogType = (typeof LOG_TYPES)[number]

/** One parsed log line. Produced by sources/logs, consumed by detect/*. */
export interface LogRecord {
  readonly logType: LogType
  /** HttpProxy protocol folder (Ecp, Owa, Autodiscover, PowerShell, ...) or IIS site (W3SVC1). */
  readonly subtype?: string
  /** Lowercased header name → value exactly as logged ('' for empty, '-' kept as is). */
  readonly fields: Readonly<Record<string, string>>
  /** ISO 8601 UTC, when the line carries a time. */
  readonly time?: string
  readonly path: string
  /** 1-based line number in the file. */
  readonly line: number
  readonly raw: string
  /** Normalised views every log type provides where it can (see sources/logs/log-types.ts). */
  readonly ip?: string
  readonly user?: string
  readonly userAgent?: string
  readonly method?: string
  /** URL path (stem), without the query. */
  readonly urlPath?: string
  readonly query?: string
  readonly status?: number
  /**
   * A column's value by lowercased header name, as `fields[name]` would give it, or undefined when
   * there is no such column: lets a reader skip building `fields` (log scanner records).
   */
  column?(name: string): string | undefined
}

export interface Indicators {
  ips: string[]
  users: string[]
  paths: string[]
  userAgents: string[]
}

export interface SourceRef {
  /** Display path of the artefact: relative to the evidence root; `zip!entry` inside archives. */
  path: string
  line?: number
  /** Event record id (EVTX) or byte offset, where a line number means nothing. */
  record?: number
}

/** Which piece of content produced a finding, with the attribution its licence requires. */
export interface RuleSource {
  engine: EngineName
  /** Content file the rule came from, relative to the content root (or the user's file). */
  file: string
  author?: string
  license?: string
  /** Link to the rule upstream or to the advisory it encodes. */
  url?: string
  /** Origins of an indicator (IOC engine): e.g. ['mstic-azure-sentinel', 'cisa-chirp-AA21-062A']. */
  origins?: string[]
}

/** Facts about a file a finding is about (web shells, dumps, archives). */
export interface FileFacts {
  size: number
  sha256?: string
  sha1?: string
  md5?: string
  /**
   * A file over the scan's size limit is only read in part: SHA-256 of its first `headBytes` bytes (not a
   * file hash; `sha256`/`sha1`/`md5` are then absent).
   */
  headSha256?: string
  headBytes?: number
  mtime?: string
  ctime?: string
  btime?: string
}

export interface Finding {
  /**
   * Stable across runs on the same evidence, the same whether it was hunted as a folder or a zip, and
   * different for two servers: hash of the target's host names, rule, path within the evidence,
   * line/record and fields (shared/finding-id.ts `scopedFindingId`).
   */
  id: string
  rule: string
  title: string
  severity: Severity
  category: Category
  outcome: Outcome
  /** What the rule declares this finding can prove (content `proves:`); the verdict reads only this and `outcome`. */
  proves: Proof
  phase?: Phase
  cves: string[]
  attack: string[]
  /** ISO 8601 UTC. */
  time?: string
  source: SourceRef
  indicators: Indicators
  /** The raw line or excerpt, truncated to 2,000 characters. */
  evidence: string
  ruleSource: RuleSource
  /** Fields to show, name → value: for log findings the fields that matched first (see `matched`),
   * then the ones the rule asks to show. */
  fields?: Record<string, string>
  /** Names (keys of `fields`) of the log fields the rule's conditions or success test matched on. */
  matched?: string[]
  /** Why it fired, in words a responder reads (web-shell heuristics, correlations). */
  reasons?: string[]
  file?: FileFacts
  /** Ids of findings that touch the same artefact or actor (log request to a shell file, ...). */
  related?: string[]
  /** Identical events folded into this finding (same rule, file, actor) beyond the first. */
  folded?: number
  /** The request it came from (`path:line` of its first log line): findings with the same value are
   * one event, whether they fired on the same line or on the same request in IIS and HttpProxy. */
  event?: string
}

export interface ItemError {
  /** EXH_ERR_* code, listed in docs/errors.md. */
  code: string
  path: string
  message: string
  line?: number
}

export interface TimelineEntry {
  kind: 'actor' | 'phase'
  /** The attacker IP (actor) or the phase name. */
  key: string
  first: string
  last: string
  count: number
  rules: string[]
  severity: Severity
  /** Up to 20 finding ids, first ones first. */
  findings: string[]
}

export interface CoverageEntry {
  logType: LogType | 'webfiles' | 'evtx'
  files: number
  bytes: number
  lines: number
  oldest?: string
  newest?: string
}

/** Evidence exhunt recognised but did not read (or not in full), counted so a `clean` is not silent. */
export interface UnreadEntry {
  /** 'evtx' (event logs), 'archive' (archive contents not scanned), 'unreadable' (read failed, see errors). */
  kind: string
  files: number
  /** On-disk (or in-zip) bytes of those files, where known. */
  bytes: number
  reason: string
  /** Up to 5 display paths. */
  examples: string[]
}

export interface Coverage {
  entries: CoverageEntry[]
  /** e.g. "HttpProxy logs start 2021-04-02, after the ProxyLogon window (2021-01-03..2021-03-03)". */
  warnings: string[]
  /** What was recognised but not read; absent or empty when everything found was read. */
  unread?: UnreadEntry[]
}

export interface MissingFix {
  cve: string
  /** The update that fixes it (e.g. "Mar21SU"). */
  fixedIn?: string
  /** Fixes that need more than the build (a setting, /PrepareAllDomains, ...). */
  caveat?: string
}

export interface Exposure {
  build: string
  /** Where the build came from: "ExSetup.exe version resource", "owa/auth folder", "log header (#Version)". */
  buildSource: string
  product?: string
  versionName?: string
  releaseDate?: string
  missing: MissingFix[]
  caveats: string[]
  /** true when the build is not in the table and the answer is a guess from its neighbours. */
  approximate?: boolean
  /** The earliest-released update of this build's line that fixes everything in `missing`
   * (ties: this build's own CU first): what "install X or later" names. */
  update?: UpdateRef
}

export interface UpdateRef {
  /** Version name in the build table, e.g. "CU23 Aug26SU". */
  name: string
  product: string
  build: string
  releaseDate: string
}

export interface Stats {
  files: number
  bytes: number
  lines: number
  records: number
  findings: number
  /** Findings folded into others (see Finding.folded) or dropped past the per-rule cap. */
  folded: number
  durationMs: number
  workers: number
  rules: number
  /** What could have shown exploitation, counted (absent in reports of older versions). */
  examined?: Examined
}

export interface Examined {
  /** Log files of a known type with at least one line read (decompressed lines for .gz / zipped logs). */
  logFiles: number
  /** Lines of those files (headers included). */
  logLines: number
  /** Web files scanned (YARA, heuristics, IOCs, hashes). */
  webFiles: number
  /** Configs, tasks, archives and dumps judged by the artefact rules. */
  artefacts: number
}

/** Why a hunt stopped before reading all its evidence (an abort, or its time limit). */
export interface HuntIncomplete {
  reason: 'aborted' | 'timeout'
  /** Where the hunt was when it was stopped. */
  phase: 'discover' | 'logs' | 'files' | 'build'
  message: string
  /** Items found but not read (more may not even have been found when cut during discovery). */
  unread?: number
}

/** What a report is about: a hunt of evidence today, a probe of a live server next. */
export type ReportKind = 'hunt' | 'probe'

/** A stable fingerprint of the evidence, so a stored report names exactly what it judged. */
export interface EvidenceDigest {
  /**
   * `sha256`: SHA-256 of the input file itself (a zip or one log), as `sha256sum` prints it.
   * `listing-sha256`: SHA-256 over the sorted listing of what a folder hunt saw (relative path, size,
   * mtime of every artefact): no extra read of the bytes (see docs/output-formats.md).
   */
  algorithm: 'sha256' | 'listing-sha256'
  value: string
}

/** Which server a report is about, from what the evidence itself says. */
export interface TargetIdentity {
  /** Host names the evidence names (Exchange ServerHostName/ServerName, IIS s-computername, ...), sorted; empty when none. */
  hosts: string[]
  /** The Exchange install folder (Windows path where known, else the display path), when found. */
  installPath?: string
  /** Hunts: the evidence digest. */
  evidence?: EvidenceDigest
}

/** The next steps for the verdict, filled from content/advice/next-steps.yml when the report was made. */
export interface ReportAdvice<V extends string = Verdict> {
  verdict: V
  /** In order: the verdict's steps, then the steps of the finding categories present. */
  steps: string[]
  /** Where the words came from: the advice file (relative to the content root), or `none`. */
  source: string
}

/**
 * What every exhunt report shares, whatever produced it (`kind`): a service stores it as is, keyed
 * by `schema`, and renders it later from stored JSON.
 */
export interface ReportEnvelope<
  K extends ReportKind = ReportKind,
  V extends string = Verdict,
  I = HuntIncomplete,
> {
  schema: string
  kind: K
  tool: { name: 'exhunt'; version: string; contentVersion: string }
  target: TargetIdentity
  startedAt: string
  finishedAt: string
  /** False when the run was cut short: `incomplete` says why (a hunt's verdict is then never `clean`). */
  complete: boolean
  incomplete?: I
  /** A hunt's `Verdict`; a probe's is the most serious `ProbeVerdict` of its targets. */
  verdict: V
  verdictReasons: string[]
  advice: ReportAdvice<V>
}

export const HUNT_SCHEMA = 'exhunt.hunt/2'

export interface HuntReport extends ReportEnvelope<'hunt'> {
  schema: typeof HUNT_SCHEMA
  input: { path: string; kind: 'directory' | 'zip' | 'file'; layouts: string[] }
  findings: Finding[]
  timeline: TimelineEntry[]
  coverage: Coverage
  exposure: Exposure | null
  errors: ItemError[]
  stats: Stats
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s)
}

export const PROBE_SCHEMA = 'exhunt.probe/1'

/** Why a probe run stopped before every target was probed. */
export interface ProbeIncomplete {
  reason: 'aborted'
  message: string
}

/** What a probe run covered: the counts behind its verdict. */
export interface ProbeSummary {
  level: ProbeLevel
  /** Targets judged (each a `ProbeTargetResult`). */
  targets: number
  /** Targets skipped because `--resume` found them done. */
  skipped: number
  /** Input items that are not targets (bad lines), also in `targetErrors`. */
  targetErrors: number
  requests: number
  verdicts: Record<ProbeVerdict, number>
}

/** One input item that is not a target: the run went on without it. */
export interface ProbeTargetError {
  input: string
  /** `argument`, `FILE:LINE` or `stdin:LINE`. */
  where: string
  message: string
}

/**
 * `exhunt probe` as one report: the envelope every report shares, one `ProbeTargetResult` per target.
 * The CLI streams it (results first, then the summary); a library caller gets it whole.
 */
export interface ProbeReport extends ReportEnvelope<'probe', ProbeVerdict, ProbeIncomplete> {
  schema: typeof PROBE_SCHEMA
  input: { kind: 'targets'; sources: string[] }
  results: ProbeTargetResult[]
  targetErrors: ProbeTargetError[]
  summary: ProbeSummary
}
