// What the hunt read that could show exploitation, counted (hunt/examined.ts counts it from the
// evidence); the `no-evidence` verdict is decided from this, never from what discovery merely listed.

export interface Examined {
  /** Files discovery found, whatever their kind (what "found but not examined" counts against). */
  found: number
  /** Exchange or IIS log files of which at least one line was read. */
  logFiles: number
  logLines: number
  /** Web files scanned that could be a shell: in a web, Exchange or staging folder, or a server-side type. */
  webFiles: number
  /** Configs, tasks, dumps and archives the post-exploitation rules judged. */
  artefacts: number
  /** Files left out by `--only`: logs when only files were hunted, web files when only logs were. */
  leftOut?: { logs: number; webFiles: number }
}

/** Nothing was read that could show exploitation: the verdict is `no-evidence`, never `clean`. */
export function examinedNothing(e: Examined): boolean {
  return e.logLines === 0 && e.webFiles === 0 && e.artefacts === 0
}
