// Triage collections for the survey tests: the demo server's evidence (demo/evidence/C, a compromised
// Exchange) zipped, with a marker entry so each collection has its own SHA-256.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { REPO_ROOT } from '../helpers/corpus.ts'
import { makeZip, type ZipWriterEntry } from '../helpers/zip-writer.ts'

const DEMO_C = join(REPO_ROOT, 'demo', 'evidence', 'C')

function entries(dir: string, root: string, out: ZipWriterEntry[]): ZipWriterEntry[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) entries(p, root, out)
    else if (e.isFile())
      out.push({ name: `C/${relative(root, p).split('\\').join('/')}`, data: readFileSync(p) })
  }
  return out
}

/** Writes `<dir>/<name>.zip` and returns its path. */
export function demoCollection(dir: string, name: string): string {
  const all = entries(DEMO_C, DEMO_C, [])
  all.push({ name: 'collection.txt', data: `triage collection ${name}\n` })
  const path = join(dir, `${name}.zip`)
  writeFileSync(path, makeZip(all))
  return path
}
