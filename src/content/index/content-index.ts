// The content index behind `exhunt content list/show` and `exhunt cve`: one plain, cloneable entry per
// rule of every engine (native log rules, web-file heuristics, artefact rules, YARA and Sigma rules) and one per
// IOC type, all with the same header. Pure: the loader (load-index.ts) hands in what it read.

import type { Proof, Severity } from '../../shared/types.ts'
import { SEVERITIES } from '../../shared/types.ts'
import type { CveInfo } from '../builds/cves.ts'

export const INDEX_ENGINES = [
  'native',
  'heuristic',
  'artefact',
  'yara',
  'sigma',
  'probe',
  'ioc',
] as const
export type IndexEngine = (typeof INDEX_ENGINES)[number]

export interface IndexEntry {
  id: string
  /** `ioc-<type>` for an indicator set (e.g. `ioc-sha256`, also its id), else the engine. */
  engine: string
  title: string
  level: Severity
  proves: Proof
  cves: string[]
  attack: string[]
  references: string[]
  /** Content file, relative to the content root. */
  file: string
  author: string
  license: string
  /** The rule's upstream page (vendored rules: the file at the vendored commit). */
  url?: string
  tests: { positive: number; negative: number }
  /** An indicator set's number of indicators. */
  indicators?: number
}

export interface ContentIndex {
  /** Sorted by engine (in INDEX_ENGINES order) then id. */
  entries: IndexEntry[]
  /** CVE families (content/cves). */
  families: CveInfo[]
}

/** A YAML rule (native, heuristic, artefact) as its loader accepted it, plus its parsed document. */
export interface YamlRuleInput {
  engine: 'native' | 'heuristic' | 'artefact' | 'probe'
  id: string
  title: string
  level: Severity
  proves: Proof
  file: string
  doc: Record<string, unknown>
}

export interface YaraRuleInput {
  name: string
  file: string
  meta: Record<string, string[]>
  cves: string[]
  level: Severity
  proves: Proof
  license: string
  url?: string
  defaultAuthor?: string
}

export interface IocSetInput {
  type: string
  file: string
  count: number
  level: Severity
  proves: Proof
  origins: string[]
  licenses: string[]
}

/** A Sigma rule as its loader mapped it onto the shared header (vendored and our own). */
export interface SigmaRuleInput {
  id: string
  title: string
  level: Severity
  proves: Proof
  cves: string[]
  attack: string[]
  references: string[]
  file: string
  author?: string
  license?: string
  url?: string
  tests: { positive: number; negative: number }
}

export interface IndexInput {
  yaml: YamlRuleInput[]
  yara: YaraRuleInput[]
  sigma?: SigmaRuleInput[]
  iocs: IocSetInput[]
  families: CveInfo[]
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []

/** A header field at the top level or under `classification:` (native rules keep cves/attack there). */
function headerList(doc: Record<string, unknown>, key: string): string[] {
  const cls = doc.classification as Record<string, unknown> | undefined
  return strings(doc[key] ?? cls?.[key])
}

function testCount(doc: Record<string, unknown>): { positive: number; negative: number } {
  // Probe rules list recorded answers, each with what it must mean: counted as positive samples.
  if (Array.isArray(doc.tests)) return { positive: doc.tests.length, negative: 0 }
  const t = (doc.tests ?? {}) as Record<string, unknown>
  const n = (v: unknown) => (Array.isArray(v) ? v.length : 0)
  return { positive: n(t.positive), negative: n(t.negative) }
}

function yamlEntry(r: YamlRuleInput): IndexEntry {
  const references = headerList(r.doc, 'references')
  const e: IndexEntry = {
    id: r.id,
    engine: r.engine,
    title: r.title,
    level: r.level,
    proves: r.proves,
    cves: headerList(r.doc, 'cves').sort(),
    attack: headerList(r.doc, 'attack'),
    references,
    file: r.file,
    author: typeof r.doc.author === 'string' ? r.doc.author : 'exhunt',
    license: typeof r.doc.license === 'string' ? r.doc.license : 'MIT (exhunt)',
    tests: testCount(r.doc),
  }
  return e
}

function yaraEntry(r: YaraRuleInput): IndexEntry {
  const m = (k: string) => r.meta[k]?.[0]
  const e: IndexEntry = {
    id: r.name,
    engine: 'yara',
    title: m('description') ?? r.name,
    level: r.level,
    proves: r.proves,
    cves: r.cves,
    attack: [],
    references: r.meta.reference ?? [],
    file: r.file,
    author: m('author') ?? r.defaultAuthor ?? 'unknown',
    license: r.license,
    tests: { positive: 0, negative: 0 },
  }
  if (r.url) e.url = r.url
  return e
}

function sigmaEntry(r: SigmaRuleInput): IndexEntry {
  const e: IndexEntry = {
    id: r.id,
    engine: 'sigma',
    title: r.title,
    level: r.level,
    proves: r.proves,
    cves: [...r.cves].sort(),
    attack: r.attack,
    references: r.references,
    file: r.file,
    author: r.author ?? 'exhunt',
    license: r.license ?? 'MIT (exhunt)',
    tests: r.tests,
  }
  if (r.url) e.url = r.url
  return e
}

function iocEntry(s: IocSetInput): IndexEntry {
  return {
    id: `ioc-${s.type}`,
    engine: `ioc-${s.type}`,
    title: `${s.count} ${s.type} indicator${s.count === 1 ? '' : 's'} from ${s.origins.join(', ')}`,
    level: s.level,
    proves: s.proves,
    cves: [],
    attack: [],
    references: [],
    file: s.file,
    author: s.origins.join(', '),
    license: s.licenses.join('; ') || 'see content/ioc/SOURCES.md',
    tests: { positive: 0, negative: 0 },
    indicators: s.count,
  }
}

const engineRank = (e: string) => INDEX_ENGINES.indexOf(e.replace(/^ioc-.*/, 'ioc') as IndexEngine)

export function buildContentIndex(input: IndexInput): ContentIndex {
  const entries = [
    ...input.yaml.map(yamlEntry),
    ...input.yara.map(yaraEntry),
    ...(input.sigma ?? []).map(sigmaEntry),
    ...input.iocs.map(iocEntry),
  ].sort((a, b) => engineRank(a.engine) - engineRank(b.engine) || a.id.localeCompare(b.id))
  return { entries, families: input.families }
}

/** `CVE-2021-27065` whatever the case the user typed; null when it is no CVE id. */
export function normaliseCve(s: string): string | null {
  const m = /^cve-(\d{4})-(\d{4,7})$/i.exec(s.trim())
  return m ? `CVE-${m[1]}-${m[2]}` : null
}

export interface IndexFilter {
  cve?: string
  /** An engine name; `ioc` takes every indicator set, `ioc-sha256` one. */
  engine?: string
}

export function filterIndex(index: ContentIndex, f: IndexFilter): IndexEntry[] {
  return index.entries.filter(
    (e) =>
      (!f.cve || e.cves.includes(f.cve)) &&
      (!f.engine || e.engine === f.engine || (f.engine === 'ioc' && e.engine.startsWith('ioc-'))),
  )
}

/** Every engine name an entry of the index carries, plus `ioc` for all indicator sets. */
export function indexEngines(index: ContentIndex): string[] {
  const seen = new Set<string>(INDEX_ENGINES)
  for (const e of index.entries) seen.add(e.engine)
  return [...seen]
}

/** The CVE family (content/cves) a CVE belongs to. */
export function familyOf(index: ContentIndex, cve: string): CveInfo | undefined {
  return index.families.find((f) => f.cves.includes(cve))
}

/** The most serious of several levels (an IOC set's level is its worst indicator's). */
export function worstLevel(levels: readonly Severity[]): Severity {
  let worst: Severity = 'info'
  for (const l of levels) if (SEVERITIES.indexOf(l) > SEVERITIES.indexOf(worst)) worst = l
  return worst
}
