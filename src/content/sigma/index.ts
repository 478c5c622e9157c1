export { type LoadedSigma, loadSigma, SIGMA_OWN_DIR, SIGMA_VENDOR_DIR } from './load-sigma.ts'
export { loadSigmaMapping, SIGMA_MAPPING_FILE } from './mapping.ts'
export { runSigmaRuleTests, type SigmaTests } from './rule-tests.ts'
