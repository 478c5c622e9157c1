// Words shared by the text and HTML reports.
import type { HuntReport, Verdict } from '../shared/types.ts'

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

/** The one line that says a report is partial, or undefined for a hunt that read all it found. */
export function incompleteLine(r: Pick<HuntReport, 'complete' | 'incomplete'>): string | undefined {
  if (r.complete !== false) return undefined
  const c = r.incomplete
  if (!c) return 'INCOMPLETE: the hunt was cut short; not all evidence was read.'
  const unread = c.unread ? `, ${c.unread} found not read` : ''
  return `INCOMPLETE: the hunt was ${c.reason === 'timeout' ? 'stopped by its time limit' : 'aborted'} during ${c.phase}${unread} (${c.message}); this report covers only what was read.`
}
