// One way to name a finding. Engines name it from its rule, artefact and place (`findingId`); the
// hunt then re-keys every finding into the target's scope (`scopedFindingId`) so that an id is the
// same whether the evidence was hunted as a folder or as a zip of it, and differs between two
// servers whose logs hold identical lines. 16 hex characters of a SHA-1 over the parts.
import { createHash } from 'node:crypto'
import type { Finding } from './types.ts'

export function findingId(...parts: readonly (string | number | undefined)[]): string {
  return createHash('sha1')
    .update(parts.map((p) => p ?? '').join('\0'))
    .digest('hex')
    .slice(0, 16)
}

/** What makes ids of one hunt its own: the target's host key and the part of paths to drop. */
export interface IdScope {
  /** Lowercased short host names of the target, sorted and joined (`''` when the evidence names none). */
  host: string
  /**
   * Display-path prefix every artefact shares: the zip's `name.zip!` plus the folders all entries
   * sit in. Without it `x.zip!evidence/C/...` and the folder `evidence`'s `C/...` differ.
   */
  prefix: string
}

/** A display path as the id sees it: the scope's prefix dropped, separators as `/`. */
export function idPath(scope: IdScope, path: string): string {
  const p = path.startsWith(scope.prefix) ? path.slice(scope.prefix.length) : path
  return p.replaceAll('\\', '/')
}

/**
 * The finding's id in its target's scope. Rule, place and fields (a rule's matched values, an
 * aggregate's key, an IIS virtual directory) tell apart every finding an engine would; the engine's
 * own id is not used because it hashes the display path, zip name included.
 */
export function scopedFindingId(scope: IdScope, f: Finding): string {
  const fields = f.fields
    ? Object.keys(f.fields)
        .sort()
        .map((k) => `${k}=${f.fields![k]}`)
        .join('\u0001')
    : ''
  return findingId(
    'exhunt/2',
    scope.host,
    f.rule,
    idPath(scope, f.source.path),
    f.source.line,
    f.source.record,
    fields,
  )
}

/**
 * The display-path prefix all these paths share, up to and including its last `/` (or a zip's `!`):
 * `a.zip!evidence/C/x.log`, `a.zip!evidence/C/y/z.log` → `a.zip!evidence/C/`.
 */
export function commonPathPrefix(paths: readonly string[]): string {
  if (paths.length === 0) return ''
  let prefix = paths[0]!
  for (const p of paths) {
    let i = 0
    const n = Math.min(prefix.length, p.length)
    while (i < n && prefix.charCodeAt(i) === p.charCodeAt(i)) i++
    prefix = prefix.slice(0, i)
    if (prefix === '') return ''
  }
  // Cut back to a whole folder: a shared `C/inetpub/logs/u_ex21` must not eat a file name's start.
  const cut = Math.max(prefix.lastIndexOf('/'), prefix.lastIndexOf('\\'), prefix.lastIndexOf('!'))
  return cut < 0 ? '' : prefix.slice(0, cut + 1)
}
