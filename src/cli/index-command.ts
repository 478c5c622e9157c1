// `exhunt content list/show`, `exhunt cve`, `exhunt build`: the content index and the build table, for
// a responder asking "what would catch CVE-X?" or "what does this server lack?". Exit 0 found, 2 bad
// input or an id the content does not know (one line on stderr).

import {
  type ContentIndex,
  familyOf,
  filterIndex,
  indexEngines,
  normaliseCve,
} from '../content/index/content-index.ts'
import { loadContentIndex, ruleText } from '../content/index/load-index.ts'
import { loadContent } from '../content/load.ts'
import { contentRoot } from '../content/root.ts'
import { cveBuilds } from '../detect/exposure/cve-builds.ts'
import { baseName, exposureFor } from '../detect/exposure/exposure.ts'
import { normaliseBuild } from '../detect/exposure/normalise.ts'
import { EXIT_CLEAN, EXIT_ERROR } from './exit-codes.ts'
import { buildText, countLine, cveText, entryTable, showEntry } from './index-render.ts'
import { say } from './say.ts'

interface Common {
  content?: string
  json?: boolean
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`)
const json = (v: unknown) => out(JSON.stringify(v, null, 2))

function fail(message: string): number {
  say(message)
  return EXIT_ERROR
}

const familyLookup = (index: ContentIndex) => (cve: string) => familyOf(index, cve)

export function runContentList(o: Common & { cve?: string; engine?: string }): number {
  const cve = o.cve === undefined ? undefined : normaliseCve(o.cve)
  if (cve === null) return fail(`--cve ${o.cve} is not a CVE id (CVE-YYYY-NNNN)`)
  const root = o.content ?? contentRoot()
  const { index } = loadContentIndex(root)
  const engines = indexEngines(index)
  if (o.engine !== undefined && !engines.includes(o.engine))
    return fail(`--engine ${o.engine} is not one of ${engines.join(', ')}`)
  const entries = filterIndex(index, {
    ...(cve ? { cve } : {}),
    ...(o.engine ? { engine: o.engine } : {}),
  })
  if (o.json) json({ root, entries })
  else out(`${entryTable(entries)}\n${countLine(entries)}`)
  return EXIT_CLEAN
}

export function runContentShow(id: string, o: Common): number {
  const root = o.content ?? contentRoot()
  const { index } = loadContentIndex(root)
  const entry =
    index.entries.find((e) => e.id === id) ??
    index.entries.find((e) => e.id.toLowerCase() === id.toLowerCase())
  if (!entry) return fail(`no rule with id '${id}' (\`exhunt content list\` shows every id)`)
  const text = ruleText(root, entry)
  const families = entry.cves.map((c) => familyOf(index, c)).filter((f) => f !== undefined)
  if (o.json) json({ entry, text, families: [...new Set(families)] })
  else out(showEntry(entry, text, familyLookup(index)))
  return EXIT_CLEAN
}

export function runCve(arg: string, o: Common): number {
  const cve = normaliseCve(arg)
  if (!cve) return fail(`${arg} is not a CVE id (CVE-YYYY-NNNN)`)
  const { index, table } = loadContentIndex(o.content ?? contentRoot())
  const family = familyOf(index, cve)
  const products = cveBuilds(table, cve)
  const rules = filterIndex(index, { cve })
  if (!family && products.length === 0 && rules.length === 0)
    return fail(`${cve} is in no CVE family, build table row or rule of exhunt's content`)
  if (o.json) json({ cve, family: family ?? null, products, rules })
  else out(cveText(cve, family, products, rules))
  return EXIT_CLEAN
}

export function runBuild(arg: string, o: Common): number {
  const build = normaliseBuild(arg)
  if (!build)
    return fail(`${arg} is not an Exchange build number (e.g. 15.1.2176.2, 15.01.2176.002)`)
  // The build table and CVE families only: YARA need not be validated to answer this.
  const { builds: table, cves: families } = loadContent(o.content ?? contentRoot(), {
    yara: false,
    sigma: false,
  }).content
  const exposure = exposureFor(table, build, 'command line')
  if (!exposure.product) return fail(exposure.caveats[0] ?? `build ${build} is unknown`)
  const row = exposure.versionName
    ? table.rows.find(
        (r) => r.versionName === exposure.versionName && r.product === exposure.product,
      )
    : undefined
  const cu = row ? baseName(row) : undefined
  if (o.json) json({ build, cu: cu ?? null, exposure })
  else out(buildText(exposure, cu, (cve) => families.find((f) => f.cves.includes(cve))))
  return EXIT_CLEAN
}
