// The content version stamp every report carries.
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

let versionCache: { root: string; version: string } | undefined

/** `<package version>+<12 hex of the content's sha256>`: two reports with the same stamp ran the same rules. */
export function contentVersion(contentRoot: string, packageVersion: string): string {
  if (versionCache?.root === contentRoot) return versionCache.version
  const files: string[] = []
  listFiles(contentRoot, files)
  const h = createHash('sha256')
  for (const f of files) {
    h.update(relative(contentRoot, f))
    h.update('\0')
    h.update(readFileSync(f))
  }
  const version = `${packageVersion}+${h.digest('hex').slice(0, 12)}`
  versionCache = { root: contentRoot, version }
  return version
}
