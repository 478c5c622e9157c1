// Words shared by the text and HTML reports.
import type { Verdict } from '../shared/types.ts'

export const VERDICT_HEADLINE: Record<Verdict, string> = {
  compromised: 'Evidence of successful exploitation or an implanted back door',
  attempted: 'Exploitation was attempted; nothing shows it succeeded',
  suspicious: 'Files or settings to review; nothing proves exploitation on its own',
  exposed: 'No exploitation seen, but security fixes are missing',
  clean: 'No exploitation seen and no missing fix known',
  'no-evidence': 'Nothing examined could show exploitation; this is not a clean result',
}

/** Rule groups shown in the summary before "--verbose lists all". */
export const TOP_GROUPS = 10
export const MAX_ERRORS_SHOWN = 5
