// The library entry (`import { hunt } from 'exhunt'`): what a program such as a survey service calls
// without the CLI. A hunt returns plain data (`HuntReport`); the pure renderers turn a report, fresh
// or stored as JSON, into any output format. Errors that stop a run are `ExhuntError`s with an
// `EXH_ERR_*` code (docs/errors.md); problems with single items are `report.errors`.
export type { BatchEntry } from './analysis/batch-entry.ts'
export type { Content, LoadContentOptions, LoadedContent } from './content/load.ts'
export { loadContent } from './content/load.ts'
export { huntBatch } from './hunt/batch.ts'
export type { Hunter, HunterOptions } from './hunt/hunter.ts'
export { createHunter } from './hunt/hunter.ts'
export type { HuntOptions, HuntProgress } from './hunt/run.ts'
export { DEFAULT_MAX_FILE_BYTES, hunt } from './hunt/run.ts'
export type { LabOptions, RunningLab } from './lab/start.ts'
export { startLab } from './lab/start.ts'
export type {
  HostileKind,
  LabFleet,
  LabFleetInstance,
  LabInstance,
  LabMitigation,
  LabSpec,
} from './lab/types.ts'
export type { ProbeOptions } from './probe/probe.ts'
export { probe } from './probe/probe.ts'
export type { BatchRenderOptions } from './report/batch.ts'
export { renderBatch } from './report/batch.ts'
export type { Advice, RenderOptions, ReportFormat, VerdictAdvice } from './report/index.ts'
export { REPORT_FORMATS, renderReport } from './report/index.ts'
export type { ProbeFormat } from './report/probe/index.ts'
export { PROBE_CSV_COLUMNS, PROBE_FORMATS, renderProbeReport } from './report/probe/index.ts'
export { ExhuntError, isExhuntError } from './shared/errors.ts'
export type {
  BuildEvidence,
  CheckOutcome,
  ProbeBuild,
  ProbeCheckResult,
  ProbeEndpoint,
  ProbeErrorCode,
  ProbeJudgement,
  ProbeLevel,
  ProbeMissingCve,
  ProbeTargetResult,
  ProbeTls,
  ProbeVerdict,
} from './shared/probe.ts'
export type {
  Category,
  Coverage,
  CoverageEntry,
  EngineName,
  EvidenceDigest,
  Examined,
  Exposure,
  FileFacts,
  Finding,
  HuntReport,
  Indicators,
  ItemError,
  LogType,
  MissingFix,
  Outcome,
  Phase,
  ProbeIncomplete,
  ProbeReport,
  ProbeSummary,
  ProbeTargetError,
  Proof,
  ReportAdvice,
  ReportEnvelope,
  ReportKind,
  RuleSource,
  Severity,
  SourceRef,
  Stats,
  TargetIdentity,
  TimelineEntry,
  UnreadEntry,
  UpdateRef,
  Verdict,
} from './shared/types.ts'
export { HUNT_SCHEMA, PROBE_SCHEMA, PROOFS, SEVERITIES, VERDICTS } from './shared/types.ts'
export { VERSION } from './shared/version.ts'
