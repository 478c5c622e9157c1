// The three exit codes scripts rely on (README "Exit codes").
export const EXIT_CLEAN = 0
export const EXIT_FINDINGS = 1
export const EXIT_ERROR = 2
