// The Sigma engine over Windows events (issue 16 §2). Pure: shared/ and re2 only.

export { type CompiledSigma, sigmaEngine } from './engine.ts'
export { SigmaRuleError, SigmaUnsupported } from './errors.ts'
export { phaseFromTags, sigmaCredit } from './finding.ts'
export type {
  EventSource,
  LogsourceMapping,
  SigmaContent,
  SigmaMapping,
  SigmaRuleData,
  SkippedRule,
} from './types.ts'
