// The README shows an excerpt of `exhunt hunt demo/evidence`: the header whole, then the first items
// of each section and `…` where lines are left out. The test accepts any excerpt of this shape: each
// run of shown lines between two `…` must appear in the real output, contiguous and in order.

interface SectionRule {
  /** A line that starts an item (a bullet, a table row, a finding); other lines continue one. */
  start: RegExp
  keep: number
  /** Also show the first item like this (after an elision), e.g. the first coverage warning. */
  alsoFirst?: RegExp
}

const ROW = /^ {2}\S/
const RULES: Readonly<Record<string, SectionRule>> = {
  WHY: { start: /^ {2}• /, keep: 3 },
  'TOP FINDINGS': { start: /^ {2}[A-Z]{3,} /, keep: 1 },
  'ATTACK CHAIN': { start: ROW, keep: 2 },
  ACTORS: { start: ROW, keep: 3 },
  COVERAGE: { start: ROW, keep: 3, alsoFirst: /^ {2}! / },
  EXPOSURE: { start: /^ {2,4}\S/, keep: 4 },
  'WHAT TO DO NEXT': { start: /^ {2}\d+\. /, keep: 1 },
}
const DEFAULT_RULE: SectionRule = { start: ROW, keep: 2 }
export const ELISION = '  …'

/** Times vary by checkout (file times) and run; durations and worker counts by machine. */
export function maskText(line: string): string {
  return line
    .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>')
    .replace(/\d+(?:\.\d+)? s on [\d,]+ workers?/g, '<duration>')
    .replace(/(content \d+\.\d+\.\d+)\+[0-9a-f]+/g, '$1+<hash>')
    .trimEnd()
}

function items(body: readonly string[], start: RegExp): string[][] {
  const out: string[][] = []
  for (const line of body) {
    if (start.test(line) || out.length === 0) out.push([line])
    else out[out.length - 1]?.push(line)
  }
  return out
}

export function excerptText(output: string): string[] {
  const lines = output.replace(/\n+$/, '').split('\n')
  const out: string[] = []
  let i = 0
  while (i < lines.length && lines[i] !== '') out.push(lines[i++] as string)
  while (i < lines.length) {
    if (lines[i] === '') {
      out.push('')
      i++
      continue
    }
    const heading = lines[i++] as string
    const body: string[] = []
    while (i < lines.length && lines[i] !== '') body.push(lines[i++] as string)
    const rule = RULES[heading.replace(/ \(.*$/, '')] ?? DEFAULT_RULE
    const all = items(body, rule.start)
    const shown = all.slice(0, rule.keep)
    out.push(heading, ...shown.flat())
    let rest = all.slice(rule.keep)
    const extra = rule.alsoFirst ? rest.findIndex((it) => rule.alsoFirst?.test(it[0] ?? '')) : -1
    if (extra >= 0) {
      if (extra > 0) out.push(ELISION)
      out.push(...(rest[extra] as string[]))
      rest = rest.slice(extra + 1)
    }
    if (rest.length > 0) out.push(ELISION)
  }
  return out
}

/** Problems with SHOWN as an excerpt of REAL (both whole outputs' lines); empty when it is one. */
export function excerptProblems(shown: readonly string[], real: readonly string[]): string[] {
  const realMasked = real.map(maskText)
  const runs: string[][] = [[]]
  for (const line of shown) {
    if (line.trim() === '…') runs.push([])
    else runs[runs.length - 1]?.push(maskText(line))
  }
  const problems: string[] = []
  let from = 0
  for (const run of runs.filter((r) => r.length > 0)) {
    const at = indexOfRun(realMasked, run, from)
    if (at < 0) {
      const first = indexOfRun(realMasked, run.slice(0, 1), from)
      const detail =
        first < 0
          ? `line not in the real output (after line ${from + 1}): ${run[0]}`
          : `lines differ from the real output near line ${first + 1}: ${firstDiff(realMasked, run, first)}`
      problems.push(detail)
      continue
    }
    from = at + run.length
  }
  return problems
}

function indexOfRun(lines: readonly string[], run: readonly string[], from: number): number {
  outer: for (let i = from; i + run.length <= lines.length; i++) {
    for (let k = 0; k < run.length; k++) if (lines[i + k] !== run[k]) continue outer
    return i
  }
  return -1
}

function firstDiff(lines: readonly string[], run: readonly string[], at: number): string {
  for (let k = 0; k < run.length; k++) {
    if (lines[at + k] !== run[k]) return `README "${run[k]}" vs real "${lines[at + k] ?? ''}"`
  }
  return ''
}
