// `exhunt baseline create`: hash a trusted Exchange install into the baseline format. Read-only; files
// that cannot be read are listed as comments so the baseline says what it does not cover.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { type BaselineMeta, formatBaseline } from './baseline-format.ts'

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** Returns the baseline text (write it to content/baselines/<product>-<build>.sha256 or anywhere). */
export async function createBaseline(dir: string, meta: BaselineMeta): Promise<string> {
  const entries: { sha256: string; path: string }[] = []
  const skipped: string[] = []
  const all = await readdir(dir, { recursive: true, withFileTypes: true })
  for (const d of all) {
    if (!d.isFile()) continue
    const full = join(d.parentPath ?? (d as unknown as { path: string }).path, d.name)
    const rel = relative(dir, full).split(sep).join('/')
    try {
      entries.push({ sha256: await sha256File(full), path: rel })
    } catch (err) {
      skipped.push(`# skipped: ${rel} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`)
    }
  }
  const text = formatBaseline(meta, entries)
  return skipped.length ? text.replace(/\n(?=[0-9a-f]{64} )/, `\n${skipped.join('\n')}\n`) : text
}
