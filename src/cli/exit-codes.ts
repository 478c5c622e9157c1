// The exit codes scripts rely on (README "Exit codes").
export const EXIT_CLEAN = 0
export const EXIT_FINDINGS = 1
export const EXIT_ERROR = 2
/** Verdict `no-evidence`: nothing examined could show exploitation, so 0 would be a false "clean". */
export const EXIT_NO_EVIDENCE = 3

/**
 * Several reports (a folder of evidence zips) exit with the most serious of their codes:
 * 2 (a run failed) > 1 (findings) > 3 (no evidence) > 0 (clean). docs: README "Exit codes".
 */
const EXIT_WEIGHT: Readonly<Record<number, number>> = { 0: 0, 3: 1, 1: 2, 2: 3 }

export function worstExitCode(codes: readonly number[]): number {
  let worst = EXIT_CLEAN
  for (const c of codes) if ((EXIT_WEIGHT[c] ?? 3) > (EXIT_WEIGHT[worst] ?? 3)) worst = c
  return worst
}
