// Builds the content index from the content the hunt loads (loadContent: a rule the loaders drop is not
// indexed); `ruleText` gives one rule as shipped for `exhunt content show`.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { severityFromScore } from '../../detect/yara/yara-hits.ts'
import type { Proof, Severity } from '../../shared/types.ts'
import type { BuildTable } from '../builds/load.ts'
import { parseCsv } from '../ioc/csv.ts'
import { type Content, loadContent } from '../load.ts'
import type { CompiledYara } from '../yara/load-yara.ts'
import {
  buildContentIndex,
  type ContentIndex,
  type IndexEntry,
  type IocSetInput,
  type SigmaRuleInput,
  worstLevel,
  type YamlRuleInput,
  type YaraRuleInput,
} from './content-index.ts'
import { buildManifest, MANIFEST_FILE, manifestCounts } from './manifest.ts'
import { splitYaraRules, yaraRuleCves } from './yara-rule-text.ts'

function readDoc(root: string, file: string): Record<string, unknown> {
  try {
    const doc = parse(readFileSync(join(root, file), 'utf8'))
    return doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function yamlRules(content: Content): YamlRuleInput[] {
  const root = content.root
  const out: YamlRuleInput[] = []
  const add = (
    engine: YamlRuleInput['engine'],
    r: { id: string; title: string; level: Severity; proves: Proof },
    file: string,
  ) => {
    out.push({
      engine,
      id: r.id,
      title: r.title,
      level: r.level,
      proves: r.proves,
      file,
      doc: readDoc(root, file),
    })
  }
  for (const r of content.nativeRules ?? []) add('native', r, r.file)
  for (const r of content.heuristics.rules) add('heuristic', r, r.source.file)
  for (const r of content.artefactRules.rules) add('artefact', r, r.source.file)
  // Probe rules are kept as their parsed documents (the compiler accepted them, so the header is sound).
  for (const s of content.probe.rules) {
    const doc = s.doc as Record<string, unknown>
    out.push({
      engine: 'probe',
      id: String(doc.id),
      title: String(doc.title),
      level: doc.level as Severity,
      proves: doc.proves as Proof,
      file: s.file,
      doc,
    })
  }
  return out
}

function yaraRules(y: CompiledYara | undefined): YaraRuleInput[] {
  if (!y) return []
  const out: YaraRuleInput[] = []
  y.files.forEach((file, i) => {
    for (const r of splitYaraRules(y.sources[i] ?? '')) {
      const info = y.rules.get(r.name)
      if (!info || info.file !== file) continue
      const score = r.meta.score?.[0]
      const input: YaraRuleInput = {
        name: r.name,
        file,
        meta: r.meta,
        cves: yaraRuleCves(r),
        level: severityFromScore(score === undefined ? undefined : Number(score)),
        proves: info.proves ?? 'suspicion',
        license: info.license,
      }
      if (info.url) input.url = info.url
      if (info.defaultAuthor) input.defaultAuthor = info.defaultAuthor
      out.push(input)
    }
  })
  return out
}

function iocSets(content: Content): IocSetInput[] {
  const by = new Map<
    string,
    {
      file: string
      levels: Severity[]
      proves: Proof
      origins: Set<string>
      licenses: Set<string>
      count: number
    }
  >()
  for (const ioc of content.iocs.shipped) {
    if (ioc.type === 'known_good_name') continue
    let s = by.get(ioc.type)
    if (!s) {
      s = {
        file: ioc.file,
        levels: [],
        proves: ioc.proves ?? 'suspicion',
        origins: new Set(),
        licenses: new Set(),
        count: 0,
      }
      by.set(ioc.type, s)
    }
    s.count++
    if (ioc.severity) s.levels.push(ioc.severity)
    for (const o of ioc.origins) s.origins.add(o)
    if (ioc.license) s.licenses.add(ioc.license)
  }
  return [...by].map(([type, s]) => ({
    type,
    file: s.file,
    count: s.count,
    level: worstLevel(s.levels),
    proves: s.proves,
    origins: [...s.origins].sort(),
    licenses: [...s.licenses].sort(),
  }))
}

function sigmaRules(content: Content): SigmaRuleInput[] {
  const s = content.sigma
  if (!s) return []
  return s.rules.map((r) => {
    const h = r.header
    const t = s.tests.get(h.id)
    const e: SigmaRuleInput = {
      id: h.id,
      title: h.title,
      level: h.level,
      proves: h.proves,
      cves: h.cves,
      attack: h.attack,
      references: h.references,
      file: r.file,
      tests: { positive: t?.positive.length ?? 0, negative: t?.negative.length ?? 0 },
    }
    if (h.author) e.author = h.author
    if (h.license) e.license = h.license
    if (r.url) e.url = r.url
    return e
  })
}

export interface LoadedIndex {
  index: ContentIndex
  table: BuildTable
}

/** The index of loaded content (shipped IOCs only: a user's feed is not content). */
export function contentIndex(content: Content): LoadedIndex {
  const index = buildContentIndex({
    yaml: yamlRules(content),
    yara: yaraRules(content.yara),
    sigma: sigmaRules(content),
    iocs: iocSets(content),
    families: content.cves,
  })
  return { index, table: content.builds }
}

export function loadContentIndex(root: string): LoadedIndex {
  return contentIndex(loadContent(root).content)
}

/** The rule as shipped: its YAML file, the one YARA rule out of its file, or an IOC set's rows. */
export function ruleText(root: string, e: IndexEntry): string {
  const text = readFileSync(join(root, e.file), 'utf8')
  if (e.engine === 'yara') return splitYaraRules(text).find((r) => r.name === e.id)?.text ?? ''
  if (e.engine.startsWith('ioc-')) {
    // The rows of this type as written (a quoted user agent may hold commas, so parse to pick them).
    const type = e.engine.slice(4)
    const lines = text.split(/\r?\n/)
    const rows = parseCsv(text).filter((r, i) => i === 0 || r.cells[1]?.trim() === type)
    return rows.map((r) => lines[r.line - 1]).join('\n')
  }
  return text.trimEnd()
}

function listFiles(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(join(root, dir)).sort()) {
    const rel = dir ? `${dir}/${name}` : name
    if (statSync(join(root, rel)).isDirectory()) listFiles(root, rel, out)
    else out.push(rel)
  }
}

/** The manifest of the content under ROOT as it is now (its index and build table already loaded). */
export function currentManifest(root: string, loaded: LoadedIndex = loadContentIndex(root)) {
  const paths: string[] = []
  listFiles(root, '', paths)
  const files = paths.map((path) => ({ path, data: readFileSync(join(root, path)) }))
  return buildManifest(files, manifestCounts(loaded.index, loaded.table.rows.length))
}

/** The shipped manifest (content/manifest.json) parsed; undefined when there is none. */
export function readManifest(root: string): unknown {
  try {
    return JSON.parse(readFileSync(join(root, MANIFEST_FILE), 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    return null
  }
}
