// Attribution per origin id (content/ioc/origins.yml): what every finding of an indicator must carry.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { ContentIssue } from '../issues.ts'

export interface OriginMeta {
  name?: string
  author?: string
  license?: string
  license_url?: string
  url?: string
}

export type Origins = ReadonlyMap<string, OriginMeta>

export function readOrigins(
  file: string,
  display: string,
  issues: ContentIssue[],
): Map<string, OriginMeta> {
  const out = new Map<string, OriginMeta>()
  let doc: unknown
  try {
    doc = parse(readFileSync(file, 'utf8'))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') {
      issues.push({ file: display, path: '', severity: 'error', message: (e as Error).message })
    }
    return out
  }
  if (!doc || typeof doc !== 'object') return out
  for (const [id, meta] of Object.entries(doc as Record<string, unknown>)) {
    if (!meta || typeof meta !== 'object') {
      issues.push({
        file: display,
        path: id,
        severity: 'error',
        message: 'origin must be a mapping',
      })
      continue
    }
    const m: OriginMeta = {}
    for (const k of ['name', 'author', 'license', 'license_url', 'url'] as const) {
      const v = (meta as Record<string, unknown>)[k]
      if (typeof v === 'string') m[k] = v
    }
    out.set(id, m)
  }
  return out
}

/** Licence, link and author for an indicator: a DRL origin first, as its terms demand the attribution. */
export function attribution(
  origins: readonly string[],
  meta: Origins,
): { license?: string; url?: string; author?: string } {
  const known = origins.map((o) => meta.get(o)).filter((m): m is OriginMeta => m !== undefined)
  const primary = known.find((m) => /DRL/i.test(m.license ?? '')) ?? known[0]
  if (!primary) return {}
  const out: { license?: string; url?: string; author?: string } = {}
  if (primary.license) {
    out.license = primary.license_url
      ? `${primary.license} (${primary.license_url})`
      : primary.license
  }
  if (primary.url) out.url = primary.url
  if (primary.author) out.author = primary.author
  return out
}
