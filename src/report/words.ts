// Words shared by the text and HTML reports.
import type { Verdict } from '../shared/types.ts'

export const VERDICT_HEADLINE: Record<Verdict, string> = {
  compromised: 'Evidence of successful exploitation or an implanted back door',
  attempted: 'Exploitation was attempted; nothing shows it succeeded',
  exposed: 'No exploitation seen, but security fixes are missing',
  clean: 'No exploitation seen and no missing fix known',
}

/** Rule groups shown in the summary before "--verbose lists all". */
export const TOP_GROUPS = 10
export const MAX_ERRORS_SHOWN = 5
