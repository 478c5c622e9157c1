// Text for `exhunt content list/show`, `exhunt cve` and `exhunt build`: plain columns, no colour, the
// same on a terminal and in a pipe. Pure: the commands (index-command.ts) load and print.
import type { CveInfo } from '../content/builds/cves.ts'
import type { IndexEntry } from '../content/index/content-index.ts'
import type { CuStatus, ProductCveBuilds } from '../detect/exposure/cve-builds.ts'
import type { Exposure, UpdateRef } from '../shared/types.ts'

const COLUMNS = ['ID', 'ENGINE', 'LEVEL', 'PROVES', 'CVES', 'TITLE'] as const

function row(e: IndexEntry): string[] {
  return [e.id, e.engine, e.level, e.proves, e.cves.join(',') || '-', e.title]
}

/** One line per entry, columns padded to the widest cell; the title is last and never cut. */
export function entryTable(entries: readonly IndexEntry[]): string {
  const rows = [[...COLUMNS], ...entries.map(row)]
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n')
}

export function countLine(entries: readonly IndexEntry[]): string {
  const by = new Map<string, number>()
  for (const e of entries) {
    const k = e.engine.startsWith('ioc-') ? 'ioc' : e.engine
    by.set(k, (by.get(k) ?? 0) + 1)
  }
  const parts = [...by].map(([k, n]) => `${n} ${k}`)
  return `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${parts.length ? ` (${parts.join(', ')})` : ''}`
}

const ENGINE_NAMES: Record<string, string> = {
  native: 'native log rule',
  heuristic: 'web-file heuristic',
  artefact: 'artefact rule',
  probe: 'probe rule (exhunt probe)',
  yara: 'YARA rule',
  sigma: 'Sigma rule (Windows events)',
}

const familyName = (f: CveInfo | undefined) => (f ? ` (${f.name})` : '')

export function showEntry(
  e: IndexEntry,
  text: string,
  familyOf: (cve: string) => CveInfo | undefined,
): string {
  const kind = ENGINE_NAMES[e.engine] ?? `indicator set (${e.engine.slice(4)})`
  const lines = [
    `${e.id}  (${kind})`,
    `title:      ${e.title}`,
    `file:       content/${e.file}`,
    `level:      ${e.level}; proves at most: ${e.proves}`,
    `cves:       ${e.cves.map((c) => `${c}${familyName(familyOf(c))}`).join(', ') || '-'}`,
    `attack:     ${e.attack.join(', ') || '-'}`,
    `author:     ${e.author}`,
    `licence:    ${e.license}`,
  ]
  if (e.url) lines.push(`upstream:   ${e.url} (vendored byte for byte; attribution kept)`)
  const tests = e.tests.positive + e.tests.negative
  lines.push(
    `tests:      ${
      tests
        ? `${e.tests.positive} positive, ${e.tests.negative} negative (inline below; \`exhunt content lint\` runs them)`
        : 'none inline'
    }`,
  )
  if (e.references.length) lines.push('references:', ...e.references.map((r) => `  - ${r}`))
  lines.push('', `--- content/${e.file}${e.engine === 'yara' ? ` (rule ${e.id})` : ''}`, text)
  return lines.join('\n')
}

const refText = (u: UpdateRef) =>
  `${u.name} ${u.build}${u.releaseDate ? ` (${u.releaseDate})` : ''}`

/** CUs in order; a run of CUs with the same status and no update of their own is one line. */
function cuLines(cus: readonly CuStatus[]): string[] {
  const rows: [string, string, string][] = []
  let i = 0
  while (i < cus.length) {
    const c = cus[i] as CuStatus
    if (c.fixedBy) {
      rows.push([c.cu, c.build, `affected, fixed by ${refText(c.fixedBy)}`])
      i++
      continue
    }
    let j = i
    while (j + 1 < cus.length && !cus[j + 1]?.fixedBy && cus[j + 1]?.status === c.status) j++
    const last = cus[j] as CuStatus
    rows.push([
      j > i ? `${c.cu}..${last.cu}` : c.cu,
      j > i ? `(${j - i + 1} CUs)` : c.build,
      c.status === 'fixed' ? 'ships the fix' : 'affected, no update on this CU: move to a fixed CU',
    ])
    i = j + 1
  }
  const w0 = Math.max(...rows.map((r) => r[0].length))
  const w1 = Math.max(...rows.map((r) => r[1].length))
  return rows.map(([a, b, t]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${t}`)
}

export function cveText(
  cve: string,
  family: CveInfo | undefined,
  products: readonly ProductCveBuilds[],
  rules: readonly IndexEntry[],
): string {
  const lines: string[] = []
  if (family) {
    lines.push(
      `${cve}: ${family.name} (${family.cves.join(', ')})`,
      `exploited from ${family.firstExploited}, patched ${family.patched}${family.fixedIn ? ` (${family.fixedIn})` : ''}`,
    )
    if (family.references.length)
      lines.push('references:', ...family.references.map((r) => `  - ${r}`))
  } else lines.push(`${cve}: no CVE family in content/cves names it`)
  lines.push('')
  if (products.length === 0) lines.push('No build in content/builds/exchange-builds.csv fixes it.')
  for (const p of products) {
    lines.push(`${p.product}: first fixed in ${refText(p.firstFixed)}`, ...cuLines(p.cus))
  }
  lines.push('', `Detected by ${rules.length} rule${rules.length === 1 ? '' : 's'}:`)
  if (rules.length) lines.push(entryTable(rules))
  if (products.length)
    lines.push(
      '',
      `Exposure check: \`exhunt build BUILD\` and every hunt report a server whose build lacks the fix as missing ${cve}.`,
    )
  return lines.join('\n')
}

export function buildText(
  e: Exposure,
  cuName: string | undefined,
  familyOf: (cve: string) => CveInfo | undefined,
): string {
  const lines: string[] = []
  const su =
    e.versionName && cuName && e.versionName !== cuName
      ? e.versionName.slice(cuName.length).trim()
      : ''
  lines.push(
    `${e.build}: ${e.product ?? 'unknown product'}${cuName ? ` ${cuName}` : ''}${su ? `, update ${su}` : cuName ? ' (no SU)' : ''}`,
  )
  if (e.releaseDate) lines.push(`released:   ${e.releaseDate}`)
  if (e.approximate) lines.push('approximate: not in the build table; judged from its neighbours')
  lines.push(`missing:    ${e.missing.length} security fix${e.missing.length === 1 ? '' : 'es'}`)
  const w = Math.max(0, ...e.missing.map((m) => m.cve.length))
  for (const m of e.missing) {
    const f = familyOf(m.cve)
    lines.push(
      `  ${m.cve.padEnd(w)}  fixed in ${m.fixedIn ?? '?'}${f ? `  (${f.name})` : ''}${m.caveat ? `  note: ${m.caveat}` : ''}`,
    )
  }
  lines.push(
    `install:    ${e.update ? `${e.update.product} ${refText(e.update)}` : e.missing.length ? 'no single update in the table fixes everything' : 'nothing: no known fix is missing'}`,
  )
  if (e.caveats.length) lines.push('caveats:', ...e.caveats.map((c) => `  - ${c}`))
  return lines.join('\n')
}
