// One line naming the server a report is about, for the text and HTML headers.
import type { HuntReport } from '../shared/types.ts'

/** `server EXCH01 · Exchange in C:\...\V15`, or '' when the report names neither (or predates `target`). */
export function targetLine(r: HuntReport): string {
  const t = (r as Partial<HuntReport>).target
  if (!t) return ''
  const parts: string[] = []
  if (t.hosts.length > 0) parts.push(`server ${t.hosts.join(', ')}`)
  if (t.installPath) parts.push(`Exchange in ${t.installPath}`)
  return parts.join(' · ')
}
