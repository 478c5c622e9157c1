// What the hunt actually read that could show exploitation: the `no-evidence` verdict is decided from
// this, never from what discovery merely listed (an empty folder, a README, only event logs).
import type { Examined } from '../analysis/examined.ts'
import { locationsOf } from '../detect/artefacts/location.ts'
import { isReviewableType } from '../detect/webfile/baseline-check.ts'
import { extensionOf } from '../detect/webfile/hit.ts'
import type { Artefact } from '../sources/artefact.ts'
import type { LogFileSummary } from '../sources/logs/index.ts'

/** Folders where any scanned file counts (a shell's name and extension can be anything there). */
const SHELL_PLACES = new Set([
  'web-root',
  'exchange',
  'programdata',
  'windows-temp',
  'c-root',
  'users-public',
])

/**
 * A scanned web file that could show a web shell. In a loose folder every file is scanned (like
 * `yara -r`), but a README.txt or a .js there shows nothing about a server: only server-side types count.
 */
export function couldHoldShell(a: Pick<Artefact, 'path' | 'windowsPath'>): boolean {
  if (isReviewableType(extensionOf(a.windowsPath ?? a.path))) return true
  for (const l of locationsOf(a.path, a.windowsPath)) if (SHELL_PLACES.has(l)) return true
  return false
}

export function examinedFrom(x: {
  artefacts: readonly Artefact[]
  summaries?: readonly LogFileSummary[]
  /** Web files were scanned (not `--only logs`). */
  webScanned: boolean
  /** Logs were read (not `--only files`). */
  logsRead?: boolean
  /** Items the artefact rules judged (hunt/files.ts FilesOutcome.artefacts). */
  artefactsJudged: number
}): Examined {
  const logs = (x.summaries ?? []).filter((s) => s.logType !== null && s.lines > 0)
  const leftOutLogs = x.logsRead === false ? x.artefacts.filter((a) => a.kind === 'log').length : 0
  const leftOutWeb = x.webScanned
    ? 0
    : x.artefacts.filter((a) => a.kind === 'webfile' && couldHoldShell(a)).length
  return {
    found: x.artefacts.length,
    logFiles: logs.length,
    logLines: logs.reduce((n, s) => n + s.lines, 0),
    webFiles: x.webScanned
      ? x.artefacts.filter((a) => a.kind === 'webfile' && couldHoldShell(a)).length
      : 0,
    artefacts: x.artefactsJudged,
    ...(leftOutLogs + leftOutWeb > 0
      ? { leftOut: { logs: leftOutLogs, webFiles: leftOutWeb } }
      : {}),
  }
}
