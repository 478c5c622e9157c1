// "N event log files not read (…)": one sentence per coverage.unread entry, shared by text and HTML.
import type { UnreadEntry } from '../shared/types.ts'
import { bytes, num } from './text/layout.ts'

const NOUN: Record<string, [string, string]> = {
  evtx: ['event log file', 'event log files'],
  archive: ['archive', 'archives'],
  unreadable: ['file', 'files'],
}

/** e.g. "3 event log files not read (1.2 MB): Windows event logs are not read yet (…)." */
export function unreadSentence(u: UnreadEntry): string {
  const [one, many] = NOUN[u.kind] ?? [`${u.kind} file`, `${u.kind} files`]
  const size = u.bytes > 0 ? ` (${bytes(u.bytes)})` : ''
  return `${num(u.files)} ${u.files === 1 ? one : many} not read${size}: ${u.reason}.`
}
