// The content manifest (content/manifest.json): every shipped content file with its digest and size, and
// how many rules, indicators and table rows the loaders accept from them. Generated
// (`npm run content:manifest`), checked by `exhunt content lint` and test/content/manifest.test.ts, so a
// changed file or a rule a loader stops accepting shows up as a manifest diff, and tests read counts
// from here instead of hard-coding them. Pure: the caller reads the files.
import { createHash } from 'node:crypto'
import type { ContentIssue } from '../issues.ts'
import type { ContentIndex } from './content-index.ts'

export const MANIFEST_FILE = 'manifest.json'

export interface ManifestCounts {
  native: number
  heuristic: number
  artefact: number
  yara: number
  yaraFiles: number
  /** Indicators per IOC type (the allowlist of names Exchange ships is not counted). */
  iocs: Record<string, number>
  buildRows: number
  cveFamilies: number
}

export interface ManifestFile {
  /** Relative to the content root, forward slashes. */
  path: string
  sha256: string
  bytes: number
}

export interface ContentManifest {
  format: 'exhunt-content-manifest/1'
  /** sha256 over every file's digest and path: one value that changes when any content file does. */
  digest: string
  counts: ManifestCounts
  files: ManifestFile[]
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex')

export function manifestCounts(index: ContentIndex, buildRows: number): ManifestCounts {
  const of = (engine: string) => index.entries.filter((e) => e.engine === engine)
  const iocs: Record<string, number> = {}
  for (const e of index.entries)
    if (e.engine.startsWith('ioc-')) iocs[e.engine.slice(4)] = e.indicators ?? 0
  return {
    native: of('native').length,
    heuristic: of('heuristic').length,
    artefact: of('artefact').length,
    yara: of('yara').length,
    yaraFiles: new Set(of('yara').map((e) => e.file)).size,
    iocs,
    buildRows,
    cveFamilies: index.families.length,
  }
}

/** FILES: every content file but the manifest itself, any order. */
export function buildManifest(
  files: readonly { path: string; data: Uint8Array }[],
  counts: ManifestCounts,
): ContentManifest {
  const list = files
    .filter((f) => f.path !== MANIFEST_FILE)
    .map((f) => ({ path: f.path, sha256: sha256(f.data), bytes: f.data.length }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const digest = sha256(list.map((f) => `${f.sha256}  ${f.path}\n`).join(''))
  return { format: 'exhunt-content-manifest/1', digest, counts, files: list }
}

/** The manifest as written: two-space JSON, one file per line would not diff better than this. */
export function manifestText(m: ContentManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`
}

/** What differs between the shipped manifest and the content as it is now, as lint issues. */
export function manifestProblems(shipped: unknown, now: ContentManifest): ContentIssue[] {
  const issue = (path: string, message: string): ContentIssue => ({
    file: MANIFEST_FILE,
    path,
    severity: 'warning',
    message: `${message}; regenerate it (npm run content:manifest) if the change is meant`,
  })
  const m = shipped as Partial<ContentManifest> | null
  if (!m || m.format !== now.format || !Array.isArray(m.files) || !m.counts)
    return [issue('', 'not an exhunt content manifest')]
  const out: ContentIssue[] = []
  const was = new Map(m.files.map((f) => [f.path, f.sha256]))
  const is = new Map(now.files.map((f) => [f.path, f.sha256]))
  for (const [path, digest] of is) {
    if (!was.has(path)) out.push(issue(path, 'file not in the manifest'))
    else if (was.get(path) !== digest) out.push(issue(path, 'file changed since the manifest'))
  }
  for (const path of was.keys())
    if (!is.has(path)) out.push(issue(path, 'file in the manifest is gone'))
  if (JSON.stringify(m.counts) !== JSON.stringify(now.counts))
    out.push(
      issue(
        'counts',
        `the loaders now accept ${JSON.stringify(now.counts)}, the manifest says ${JSON.stringify(m.counts)}`,
      ),
    )
  return out
}
