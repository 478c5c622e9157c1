// Exposure of an Exchange build: normalise, pick the most trusted build, compare with the build table.
export { exposureFor, missesProxyLogonUpdate } from './exposure.ts'
export { compareBuilds, lineOf, normaliseBuild } from './normalise.ts'
export { type BuildCandidate, pickBuild } from './pick-build.ts'
export { type BuildRow, type BuildTable, type CaveatRules, makeBuildTable } from './table.ts'
