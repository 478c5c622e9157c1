// Known-good baseline files: `sha256sum` output with a header naming the product and build, so
// `sha256sum -c` still works and one file per build can be added side by side:
//   # exhunt-baseline/1
//   # product: Exchange Server 2019
//   # build: 15.2.792.3
//   <sha256>  <path relative to the install root, forward slashes>
// NCC Group's lists (`<hash> */serverroles/...`, file names like Exchange2019-CU8.web-files.sha256) are read
// too, the product and build then coming from the file name.
import { type Baseline, folderKey } from '../../detect/webfile/baseline-check.ts'

export const BASELINE_MAGIC = '# exhunt-baseline/1'

export interface BaselineMeta {
  product: string
  build: string
}

const LINE = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/

/** Lowercased key from the role folder on (`frontend/httpproxy/owa/auth/logon.aspx`), else the whole path. */
export function baselineKey(path: string): string {
  const p = path.replace(/\\/g, '/').toLowerCase()
  for (const marker of ['/frontend/httpproxy/', '/clientaccess/']) {
    const at = `/${p}`.lastIndexOf(marker)
    if (at >= 0) return `/${p}`.slice(at + 1)
  }
  return p.replace(/^\.?\/+/, '').replace(/^setup\/serverroles\//, '')
}

function metaFromName(fileName: string): BaselineMeta {
  const m = /^(Exchange)(20\d\d)-([A-Za-z0-9]+)/i.exec(fileName)
  return m
    ? { product: `Exchange Server ${m[2]}`, build: m[3] as string }
    : { product: 'unknown', build: fileName }
}

/** Adds one baseline file's text to `into`; returns the number of entries read. */
export function addBaselineText(into: Baseline, text: string, fileLabel: string): number {
  const fileName = fileLabel.slice(fileLabel.lastIndexOf('/') + 1)
  const meta = metaFromName(fileName)
  const index = into.sets.length
  let entries = 0
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#')) {
      const h = /^#\s*(product|build):\s*(.+?)\s*$/.exec(line)
      if (h) meta[h[1] as 'product' | 'build'] = h[2] as string
      continue
    }
    const m = LINE.exec(line)
    if (!m) continue
    const hash = (m[1] as string).toLowerCase()
    const key = baselineKey(m[2] as string)
    const sets = into.hashes.get(hash)
    if (!sets) into.hashes.set(hash, [index])
    else if (sets[sets.length - 1] !== index) sets.push(index)
    let shipped = into.paths.get(key)
    if (!shipped) {
      shipped = new Set()
      into.paths.set(key, shipped)
      const name = key.slice(key.lastIndexOf('/') + 1)
      const folder = folderKey(key)
      const names = into.folders.get(folder)
      if (!names) into.folders.set(folder, [name])
      else if (!names.includes(name)) names.push(name)
    }
    shipped.add(hash)
    entries++
  }
  into.sets.push({ ...meta, file: fileLabel, entries })
  return entries
}

export function formatBaseline(
  meta: BaselineMeta,
  entries: { sha256: string; path: string }[],
): string {
  const lines = [BASELINE_MAGIC, `# product: ${meta.product}`, `# build: ${meta.build}`]
  lines.push(`# created: ${new Date().toISOString()}`)
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    lines.push(`${e.sha256}  ${e.path}`)
  }
  return `${lines.join('\n')}\n`
}
