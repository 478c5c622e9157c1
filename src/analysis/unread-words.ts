// "N event log files not read (…)": one sentence per coverage.unread entry, shared by text and HTML.
import type { UnreadEntry } from '../shared/types.ts'
import { bytes, num } from './numbers.ts'

const NOUN: Record<string, [string, string]> = {
  evtx: ['event log file', 'event log files'],
  archive: ['archive', 'archives'],
  unreadable: ['file', 'files'],
}

/** e.g. "3 event log files not read (1.2 MB): Windows event logs are not read yet (…)." */
export function unreadSentence(u: UnreadEntry): string {
  return `${unreadCount(u)} not read${unreadSize(u)}: ${u.reason}.`
}

/** "3 event log files": the count and noun of an unread entry (also in the no-evidence reasons). */
export function unreadCount(u: Pick<UnreadEntry, 'kind' | 'files'>): string {
  const [one, many] = NOUN[u.kind] ?? [`${u.kind} file`, `${u.kind} files`]
  return `${num(u.files)} ${u.files === 1 ? one : many}`
}

/** " (1.2 MB)", or nothing when the size is unknown (items discovery could not size). */
export function unreadSize(u: Pick<UnreadEntry, 'bytes'>): string {
  return u.bytes > 0 ? ` (${bytes(u.bytes)})` : ''
}
