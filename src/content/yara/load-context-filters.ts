// Loads content/rules/yara/context-filters.yml (format: docs/content-format.md, "YARA context filters").
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { identifierGlob, type YaraContextFilter } from '../../detect/yara/context-filter.ts'
import { isProof, PROOFS, SEVERITIES, type Severity } from '../../shared/types.ts'

export const CONTEXT_FILTERS_FILE = join('rules', 'yara', 'context-filters.yml')

/** Every filter that validates; the problems of the others (file, entry, field) in `problems`. */
export function loadYaraContextFilters(contentRoot: string): {
  filters: YaraContextFilter[]
  problems: string[]
} {
  const problems: string[] = []
  const filters: YaraContextFilter[] = []
  let raw: unknown
  try {
    raw = parse(readFileSync(join(contentRoot, CONTEXT_FILTERS_FILE), 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { filters, problems }
    return { filters, problems: [`${CONTEXT_FILTERS_FILE}: ${(err as Error).message}`] }
  }
  if (!Array.isArray(raw))
    return { filters, problems: [`${CONTEXT_FILTERS_FILE}: a list of filters`] }
  raw.forEach((e, i) => {
    const where = `${CONTEXT_FILTERS_FILE}[${i}]`
    const o = (e ?? {}) as Record<string, unknown>
    const bad = (msg: string) => problems.push(`${where}: ${msg}`)
    const list = (k: string) =>
      Array.isArray(o[k]) &&
      (o[k] as unknown[]).length &&
      (o[k] as unknown[]).every((x) => typeof x === 'string')
        ? (o[k] as string[])
        : undefined
    const rules = list('rules')
    const strings = list('strings')
    if (typeof o.id !== 'string' || !/^exh-yf-[a-z0-9-]+$/.test(o.id))
      bad('id: exh-yf-<kebab-case>')
    if (!rules) bad('rules: a non-empty list of YARA rule names')
    if (!strings?.every((s) => s.startsWith('$'))) bad("strings: a non-empty list of '$name' globs")
    if (!SEVERITIES.includes(o.level as Severity)) bad(`level: one of ${SEVERITIES.join(', ')}`)
    if (typeof o.reason !== 'string' || !o.reason.trim()) bad('reason: the text a responder reads')
    if (o.proves !== undefined && !isProof(o.proves)) bad(`proves: one of ${PROOFS.join(', ')}`)
    const span = (k: 'inside' | 'outside'): RegExp | undefined => {
      if (o[k] === undefined) return undefined
      try {
        if (typeof o[k] !== 'string' || !o[k]) throw new Error('a regular expression')
        return new RegExp(o[k], 'gi')
      } catch (err) {
        bad(`${k}: bad regex: ${(err as Error).message}`)
        return undefined
      }
    }
    const inside = span('inside')
    const outside = span('outside')
    if (o.inside === undefined && o.outside === undefined)
      bad(
        'inside: a regular expression for the benign spans (or outside: one for the excluded spans)',
      )
    let extensions: Set<string> | undefined
    if (o.extensions !== undefined) {
      const ext = list('extensions')
      if (!ext) bad('extensions: a non-empty list of file extensions')
      else extensions = new Set(ext.map((e) => e.toLowerCase().replace(/^\./, '')))
    }
    if (problems.some((p) => p.startsWith(`${where}:`)) || !rules || !strings) return
    const f: YaraContextFilter = {
      id: o.id as string,
      rules: new Set(rules),
      strings: identifierGlob(strings),
      level: o.level as Severity,
      proves: isProof(o.proves) ? o.proves : 'context',
      reason: (o.reason as string).trim(),
    }
    if (inside) f.inside = inside
    if (outside) f.outside = outside
    if (extensions) f.extensions = extensions
    filters.push(f)
  })
  return { filters, problems }
}
