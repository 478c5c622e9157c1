// Reads content/builds: the build table (CSV) and the caveat rules (caveats.yml).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { normaliseBuild } from '../../detect/exposure/normalise.ts'
import {
  type BuildRow,
  type BuildTable,
  type CaveatRules,
  makeBuildTable,
} from '../../detect/exposure/table.ts'
import { parseCsv } from '../ioc/csv.ts'
import type { ContentIssue } from '../issues.ts'

export type { BuildTable } from '../../detect/exposure/table.ts'

const COLUMNS = ['product', 'version_name', 'build', 'release_date', 'fixes']

export function readBuildRows(text: string, file: string, issues: ContentIssue[]): BuildRow[] {
  const table = parseCsv(text)
  const header = table[0]?.cells.map((c) => c.trim()) ?? []
  if (COLUMNS.some((c, i) => header[i] !== c)) {
    issues.push({
      file,
      path: 'line 1',
      severity: 'error',
      message: `header must be ${COLUMNS.join(',')}`,
    })
    return []
  }
  const rows: BuildRow[] = []
  for (const r of table.slice(1)) {
    const [product = '', versionName = '', build = '', releaseDate = '', fixes = ''] = r.cells
    const norm = normaliseBuild(build)
    if (!norm || !product) {
      issues.push({
        file,
        path: `line ${r.line}`,
        severity: 'error',
        message: `bad row: "${r.cells.join(',')}"`,
      })
      continue
    }
    rows.push({
      product,
      versionName,
      build: norm,
      releaseDate,
      fixes: fixes
        .split(';')
        .map((f) => f.trim())
        .filter(Boolean),
    })
  }
  return rows
}

function readCaveats(file: string, issues: ContentIssue[]): CaveatRules {
  const empty: CaveatRules = { fixes: [], products: [], markers: {} }
  try {
    const doc = parse(readFileSync(file, 'utf8')) as Partial<CaveatRules> | null
    return {
      fixes: Array.isArray(doc?.fixes) ? doc.fixes : [],
      products: Array.isArray(doc?.products) ? doc.products : [],
      markers: doc?.markers && typeof doc.markers === 'object' ? doc.markers : {},
    }
  } catch (e) {
    issues.push({
      file: 'builds/caveats.yml',
      path: '',
      severity: 'error',
      message: (e as Error).message,
    })
    return empty
  }
}

/** The build table, with any problems found while reading it. */
export function loadBuildTableChecked(contentRoot: string): {
  table: BuildTable
  issues: ContentIssue[]
} {
  const issues: ContentIssue[] = []
  let rows: BuildRow[] = []
  try {
    const text = readFileSync(join(contentRoot, 'builds', 'exchange-builds.csv'), 'utf8')
    rows = readBuildRows(text, 'builds/exchange-builds.csv', issues)
  } catch (e) {
    issues.push({
      file: 'builds/exchange-builds.csv',
      path: '',
      severity: 'error',
      message: (e as Error).message,
    })
  }
  const caveats = readCaveats(join(contentRoot, 'builds', 'caveats.yml'), issues)
  return { table: makeBuildTable(rows, caveats), issues }
}

export function loadBuildTable(contentRoot: string): BuildTable {
  return loadBuildTableChecked(contentRoot).table
}
