// Post-exploitation artefacts (lsass dumps, staged archives, IIS vdirs and handlers, scheduled tasks):
// pure evaluation of content/rules/artefacts/*.yml on items the hunt has read.
export {
  ARTEFACT_TARGETS,
  type ArtefactInput,
  type ArtefactTarget,
  type CompiledArtefactRule,
  type CompiledArtefactRules,
  LOCATION_CLASSES,
  type LocationClass,
} from './artefact-rule.ts'
export { compileArtefactRules } from './compile-rules.ts'
export { configEntries } from './config-entries.ts'
export { type ArtefactItem, artefactEngine } from './engine.ts'
export { type ArtefactContext, artefactFinding, artefactHits } from './evaluate.ts'
export { locationsOf, normalisePath } from './location.ts'
export { archiveKind, containerKind, isMinidump } from './magic.ts'
export { runArtefactRuleTests, sampleInput } from './rule-tests.ts'
export { taskCommands, taskUri } from './task-xml.ts'
