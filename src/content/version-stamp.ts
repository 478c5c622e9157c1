// The content version stamp every report carries, computed by loadContent. The files are re-hashed only
// when the listing (name, size, mtime) changed, so a long-lived process that reloads edited content
// gets the new stamp and an unchanged one costs a walk.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

interface Listed {
  path: string
  size: number
  mtimeMs: number
}

function listFiles(dir: string, out: Listed[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    const st = statSync(p)
    if (st.isDirectory()) listFiles(p, out)
    else out.push({ path: p, size: st.size, mtimeMs: st.mtimeMs })
  }
}

/**
 * The last stamp per content folder, with the listing it was made from: a long-lived process (a
 * runner of many hunts) re-reads the files only when a name, size or modification time changed, and a
 * changed rule never leaves a stale stamp.
 */
const stamps = new Map<string, { listing: string; version: string }>()

/** `<package version>+<12 hex of the content's sha256>`: two reports with the same stamp ran the same rules. */
export function contentVersion(contentRoot: string, packageVersion: string): string {
  const files: Listed[] = []
  listFiles(contentRoot, files)
  const listing = files.map((f) => `${f.path}\0${f.size}\0${f.mtimeMs}`).join('\n')
  const known = stamps.get(contentRoot)
  const digest =
    known?.listing === listing
      ? known.version
      : hashFiles(
          contentRoot,
          files.map((f) => f.path),
        )
  stamps.set(contentRoot, { listing, version: digest })
  return `${packageVersion}+${digest}`
}

function hashFiles(root: string, files: readonly string[]): string {
  const h = createHash('sha256')
  for (const f of files) {
    h.update(relative(root, f))
    h.update('\0')
    h.update(readFileSync(f))
  }
  return h.digest('hex').slice(0, 12)
}
