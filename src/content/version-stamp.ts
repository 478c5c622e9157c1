// The content version stamp every report carries, computed once per loadContent (no process-wide cache:
// a long-lived process that reloads edited content gets the new stamp).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

function listFiles(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) listFiles(p, out)
    else out.push(p)
  }
}

/** `<package version>+<12 hex of the content's sha256>`: two reports with the same stamp ran the same rules. */
export function contentVersion(contentRoot: string, packageVersion: string): string {
  const files: string[] = []
  listFiles(contentRoot, files)
  const h = createHash('sha256')
  for (const f of files) {
    h.update(relative(contentRoot, f))
    h.update('\0')
    h.update(readFileSync(f))
  }
  return `${packageVersion}+${h.digest('hex').slice(0, 12)}`
}
