// What the hunt recognised but did not read, and what it did examine: a `clean` over a folder of event
// logs or archives must say so (coverage.unread, stats.examined), never pass for a clean server.
import type { Examined, ItemError, UnreadEntry } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import type { LogFileSummary } from '../sources/logs/index.ts'

export const UNREAD_REASONS = {
  evtx: 'Windows event logs are not read yet',
  archive:
    "archive contents are not scanned (only names, and a zip's member names, are checked); extract them and hunt the folder",
  unreadable: 'could not be read, or only in part (see errors)',
} as const

const ARCHIVE = /\.(?:zip|7z|rar|cab|gz|tgz|tar|bz2|xz)$/i
const EXAMPLES = 5

/**
 * Errors that mean an item's bytes were not all read (as opposed to notes about what was read): file
 * system, zip and gzip failures, binary or oversized files, a dead worker. A pattern, not a list of
 * literals: this file reads codes that others produce.
 */
const UNREAD_CODE =
  /^EXH_ERR_(?:FS_|ZIP_|GZIP_|READ$|LOG_READ$|LOG_BINARY$|WORKER$|FILE_TOO_LARGE$)/

function markOf(a: Artefact): { kind: string; reason: string } | undefined {
  if (a.unread) return a.unread
  if (a.kind === 'evtx') return { kind: 'evtx', reason: UNREAD_REASONS.evtx }
  if (a.kind === 'other' && ARCHIVE.test(a.path))
    return { kind: 'archive', reason: UNREAD_REASONS.archive }
  return undefined
}

/** One entry per kind and reason, in the order first met; examples are the first display paths by name. */
export function unreadEntries(
  artefacts: readonly Artefact[],
  errors: readonly ItemError[],
): UnreadEntry[] {
  const groups = new Map<string, UnreadEntry & { paths: Set<string> }>()
  const add = (kind: string, reason: string, path: string, bytes: number) => {
    const key = `${kind}\u0000${reason}`
    let g = groups.get(key)
    if (!g) {
      g = { kind, files: 0, bytes: 0, reason, examples: [], paths: new Set() }
      groups.set(key, g)
    }
    if (g.paths.has(path)) return
    g.paths.add(path)
    g.files++
    g.bytes += bytes
  }
  const size = new Map<string, number>()
  for (const a of artefacts) {
    size.set(a.path, a.size)
    const m = markOf(a)
    if (m) add(m.kind, m.reason, a.path, a.size)
  }
  for (const e of errors) {
    if (UNREAD_CODE.test(e.code))
      add('unreadable', UNREAD_REASONS.unreadable, e.path, size.get(e.path) ?? 0)
  }
  return [...groups.values()].map(({ paths, ...g }) => ({
    ...g,
    examples: [...paths].sort().slice(0, EXAMPLES),
  }))
}

/** The counts a no-evidence decision needs: what was read that could have shown exploitation. */
export function examinedCounts(
  summaries: readonly LogFileSummary[],
  files: { webFiles: number; artefacts: number } | undefined,
): Examined {
  const read = summaries.filter((s) => s.logType !== null && s.lines > 0)
  return {
    logFiles: read.length,
    logLines: read.reduce((n, s) => n + s.lines, 0),
    webFiles: files?.webFiles ?? 0,
    artefacts: files?.artefacts ?? 0,
  }
}
