// Loads indicator files: the shipped CSV (with origins.yml attribution) and user feeds given with --ioc.
// Every problem becomes a ContentIssue with file and line; nothing here throws.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Ioc } from '../../detect/ioc/types.ts'
import type { ContentIssue } from '../issues.ts'
import {
  type FeedFormat,
  type RawIoc,
  readCsvFeed,
  readScoreFeed,
  readSemicolonFeed,
  readTextFeed,
  sniffFormat,
} from './formats.ts'
import { checkTyped, guessType, refang } from './guess.ts'
import { attribution, type OriginMeta, readOrigins } from './origins.ts'
import { type IocProves, readIocProves } from './proves.ts'

export type { Ioc, IocType } from '../../detect/ioc/types.ts'

const MAX_FEED_BYTES = 512 * 1024 * 1024

export interface LoadIocsOptions {
  /** true for --ioc feeds: display path as given, origin = the file name, no origins.yml. */
  user: boolean
  /** What each type proves; shipped files default to the proves.yml beside them (content/ioc/). */
  proves?: IocProves
}

function readRows(text: string, format: FeedFormat): { rows: RawIoc[]; error?: string } {
  switch (format) {
    case 'csv':
      return readCsvFeed(text)
    case 'sigbase-hash':
      return { rows: readSemicolonFeed(text) }
    case 'sigbase-filename':
      return { rows: readScoreFeed(text) }
    default:
      return { rows: readTextFeed(text) }
  }
}

export function loadIocFile(
  file: string,
  opts: LoadIocsOptions,
): { iocs: Ioc[]; issues: ContentIssue[]; format?: FeedFormat } {
  const display = opts.user ? file : join(basename(dirname(file)), basename(file))
  const issues: ContentIssue[] = []
  const iocs: Ioc[] = []
  let text: string
  try {
    const size = statSync(file).size
    if (size > MAX_FEED_BYTES) {
      issues.push({
        file: display,
        path: '',
        severity: 'error',
        message: `feed is ${size} bytes, over the 512 MiB limit`,
      })
      return { iocs, issues }
    }
    text = readFileSync(file, 'utf8')
  } catch (e) {
    issues.push({
      file: display,
      path: '',
      severity: 'error',
      message: `cannot read: ${(e as Error).message}`,
    })
    return { iocs, issues }
  }
  if (text.includes('\0')) {
    issues.push({
      file: display,
      path: '',
      severity: 'error',
      message: 'binary file, not an indicator feed',
    })
    return { iocs, issues }
  }
  const origins: ReadonlyMap<string, OriginMeta> = opts.user
    ? new Map()
    : readOrigins(
        join(dirname(file), 'origins.yml'),
        join(basename(dirname(file)), 'origins.yml'),
        issues,
      )
  const proves: IocProves =
    opts.proves ??
    (opts.user
      ? new Map()
      : readIocProves(
          join(dirname(file), 'proves.yml'),
          join(basename(dirname(file)), 'proves.yml'),
          issues,
        ))
  const format = sniffFormat(text)
  const { rows, error } = readRows(text, format)
  if (error) issues.push({ file: display, path: 'line 1', severity: 'error', message: error })
  const seen = new Set<string>()
  for (const row of rows) {
    const where = `line ${row.line}`
    let typed = row.type ? checkTyped(row.type, row.value) : guessType(refang(row.value))
    // Mixed lists (signature-base c2-iocs.txt) hold bare values and `value;comment` lines side by side.
    const semi = row.value.indexOf(';')
    if (typed === null && semi > 0) {
      typed = guessType(refang(row.value.slice(0, semi)))
      if (typed) row.notes ??= row.value.slice(semi + 1).trim()
    }
    if (typed === null) {
      issues.push({
        file: display,
        path: where,
        severity: 'warning',
        message: `cannot tell what kind of indicator "${row.value.slice(0, 100)}" is; skipped`,
      })
      continue
    }
    if ('error' in typed) {
      issues.push({ file: display, path: where, severity: 'error', message: typed.error })
      continue
    }
    const key = `${typed.type}\0${typed.value.toLowerCase()}`
    if (seen.has(key)) continue
    seen.add(key)
    const sources = row.sources ?? [opts.user ? basename(file) : display]
    if (!opts.user) {
      for (const s of sources) {
        if (!origins.has(s)) {
          issues.push({
            file: display,
            path: where,
            severity: 'warning',
            message: `origin "${s}" has no entry in origins.yml`,
          })
        }
      }
    }
    const ioc: Ioc = {
      value: typed.value,
      type: typed.type,
      origins: sources,
      file: display,
      ...attribution(sources, origins),
    }
    if (row.notes) ioc.notes = row.notes
    if (row.severity) ioc.severity = row.severity
    const p = proves.get(typed.type)
    if (p) ioc.proves = p
    iocs.push(ioc)
  }
  return { iocs, issues, format }
}

export function loadIocs(
  files: string[],
  opts: LoadIocsOptions,
): { iocs: Ioc[]; issues: ContentIssue[] } {
  const lists: Ioc[][] = []
  const issues: ContentIssue[] = []
  const first = files[0]
  // The shipped files share one table, read (and its problems reported) once.
  const proves =
    opts.proves ??
    (opts.user || first === undefined
      ? undefined
      : readIocProves(
          join(dirname(first), 'proves.yml'),
          join(basename(dirname(first)), 'proves.yml'),
          issues,
        ))
  for (const f of files) {
    const r = loadIocFile(f, proves ? { ...opts, proves } : opts)
    lists.push(r.iocs)
    issues.push(...r.issues)
  }
  return { iocs: mergeIocs(...lists), issues }
}

/**
 * One indicator per type and value, whoever lists it: a hash in the shipped set and in a user's feed
 * is one finding naming both origins, not two findings for one file or line. The first list keeps
 * its file, attribution, notes and severity (the shipped set comes first); origins are the union.
 */
export function mergeIocs(...lists: (readonly Ioc[])[]): Ioc[] {
  const by = new Map<string, Ioc>()
  for (const list of lists) {
    for (const ioc of list) {
      const key = `${ioc.type}\0${ioc.value.toLowerCase()}`
      const had = by.get(key)
      if (!had) {
        by.set(key, { ...ioc, origins: [...ioc.origins] })
        continue
      }
      for (const o of ioc.origins) if (!had.origins.includes(o)) had.origins.push(o)
      if (had.notes === undefined && ioc.notes !== undefined) had.notes = ioc.notes
      if (had.severity === undefined && ioc.severity !== undefined) had.severity = ioc.severity
      for (const k of ['license', 'url', 'author'] as const) {
        if (had[k] === undefined && ioc[k] !== undefined) had[k] = ioc[k]
      }
    }
  }
  return [...by.values()]
}

/** The shipped indicator files: content/ioc/*.csv and *.txt, in name order. */
export function iocContentFiles(contentRoot: string): string[] {
  const dir = join(contentRoot, 'ioc')
  try {
    return readdirSync(dir)
      .filter((n) => /\.(csv|txt)$/i.test(n))
      .sort()
      .map((n) => join(dir, n))
  } catch {
    return []
  }
}
