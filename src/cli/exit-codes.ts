// The exit codes scripts rely on (README "Exit codes").
export const EXIT_CLEAN = 0
export const EXIT_FINDINGS = 1
export const EXIT_ERROR = 2
/** Verdict `no-evidence`: nothing examined could show exploitation, so 0 would be a false "clean". */
export const EXIT_NO_EVIDENCE = 3
