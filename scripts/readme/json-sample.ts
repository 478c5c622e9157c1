// The README's `--format json` sample: the real report of the demo, abridged (one finding, one entry
// of each list, long strings cut with `…`). The test accepts any abridgement of this kind: every key
// shown exists with a matching value, `…` inside a string stands for any text, a `"…"` element in an
// array for any number of elements; times, durations and worker counts are not compared.
import type { Finding, HuntReport } from '../../src/shared/types.ts'

const MORE = '…'
const TIME = /\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?Z/g
const UNCOMPARED = new Set([
  'durationMs',
  'workers',
  'startedAt',
  'finishedAt',
  'mtime',
  'ctime',
  'btime',
])

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}${MORE}`
}

/** Every string in V cut to MAX characters (the sample shows the shape, not every byte). */
function cutAll(v: unknown, max: number): unknown {
  if (typeof v === 'string') return cut(v, max)
  if (Array.isArray(v)) return v.map((x) => cutAll(x, max))
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cutAll(x, max)]))
}

function firstOf<T>(xs: readonly T[], n = 1): Array<T | string> {
  return xs.length > n ? [...xs.slice(0, n), MORE] : [...xs]
}

/** The finding to show: a web shell found on disk by a vendored YARA rule shows the most fields. */
function pickFinding(fs: readonly Finding[]): Finding | undefined {
  return fs.find((f) => f.file && f.ruleSource.engine === 'yara') ?? fs.find((f) => f.file) ?? fs[0]
}

function abridgeFinding(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(f)) {
    if (k === 'reasons' || k === 'related') out[k] = firstOf(v as string[], 1)
    else if (k === 'evidence') out[k] = cut(v as string, 60)
    else if (k === 'file') {
      const file: Record<string, unknown> = {}
      for (const [fk, fv] of Object.entries(v as object))
        file[fk] = /^(sha|md5)/.test(fk) ? cut(String(fv), 9) : fk === 'size' ? fv : MORE
      out[k] = file
    } else if (k === 'ruleSource') {
      const rs: Record<string, unknown> = {}
      for (const [rk, rv] of Object.entries(v as object))
        rs[rk] = rk === 'license' ? cut(String(rv), 14) : cut(String(rv), 100)
      out[k] = rs
    } else out[k] = v
  }
  return out
}

/** One JSON value on one line, `{ "a": 1, "b": [2] }` style, long lines broken between entries. */
function inline(v: unknown, indent: string, width = 110): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map((x) => inline(x, indent, width)).join(', ')}]`
  const parts = Object.entries(v).map(
    ([k, x]) => `${JSON.stringify(k)}: ${inline(x, indent, width)}`,
  )
  const one = `{ ${parts.join(', ')} }`
  if (one.length + indent.length <= width) return one
  const lines: string[] = []
  let line = ''
  for (const p of parts) {
    if (line && indent.length + 4 + line.length + p.length + 2 > width) {
      lines.push(line)
      line = p
    } else line = line ? `${line}, ${p}` : p
  }
  lines.push(line)
  return `{ ${lines.join(`,\n${indent}  `)} }`
}

export function jsonSample(r: HuntReport): string[] {
  const f = pickFinding(r.findings)
  const phase = r.timeline.find((t) => t.kind === 'phase')
  const top: Array<[string, unknown]> = [
    ['schema', r.schema],
    ['kind', r.kind],
    ['tool', r.tool],
    [
      'target',
      // A folder's listing digest covers file times, which differ between checkouts.
      r.target.evidence
        ? {
            ...r.target,
            evidence: { ...r.target.evidence, value: MORE },
          }
        : r.target,
    ],
    ['input', r.input],
    ['verdict', r.verdict],
    ['verdictReasons', firstOf(r.verdictReasons)],
    ['advice', { ...r.advice, steps: firstOf(r.advice.steps) }],
    ['findings', f ? [abridgeFinding(f)] : []],
    [
      'timeline',
      phase
        ? firstOf([
            { ...phase, rules: firstOf(phase.rules), findings: firstOf(phase.findings) },
            ...r.timeline.slice(1),
          ])
        : [],
    ],
    [
      'coverage',
      {
        ...r.coverage,
        entries: firstOf(r.coverage.entries),
        warnings: firstOf(r.coverage.warnings, 0),
      },
    ],
    [
      'exposure',
      r.exposure && {
        ...r.exposure,
        missing: firstOf(r.exposure.missing),
        caveats: firstOf(r.exposure.caveats, 0),
      },
    ],
    ['errors', firstOf(r.errors, 1)],
    ['stats', r.stats],
  ]
  const lines = ['{']
  top.forEach(([k, v], i) => {
    const comma = i < top.length - 1 ? ',' : ''
    if (k === 'findings' && Array.isArray(v) && v.length === 1) {
      lines.push('  "findings": [', '    {')
      const entries = Object.entries(cutAll(v[0], 100) as object)
      entries.forEach(([fk, fv], j) => {
        const c = j < entries.length - 1 ? ',' : ''
        lines.push(`      ${JSON.stringify(fk)}: ${inline(fv, '      ')}${c}`)
      })
      lines.push(r.findings.length > 1 ? '    },\n    "…"' : '    }', `  ]${comma}`)
    } else lines.push(`  ${JSON.stringify(k)}: ${inline(cutAll(v, 100), '  ')}${comma}`)
  })
  lines.push('}')
  return lines
}

function stringMatches(shown: string, real: string): boolean {
  const s = shown.replace(TIME, '<time>')
  const r = real.replace(TIME, '<time>')
  if (!s.includes(MORE)) return s === r
  const re = s
    .split(MORE)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*')
  return new RegExp(`^${re}$`).test(r)
}

/** Where SHOWN is not an abridgement of REAL: JSON paths with what differs; empty when it is. */
export function jsonProblems(shown: unknown, real: unknown, path = '$'): string[] {
  if (typeof shown === 'string') {
    return typeof real === 'string' && stringMatches(shown, real)
      ? []
      : [
          `${path}: README ${JSON.stringify(shown)} vs real ${cut(JSON.stringify(real) ?? 'undefined', 120)}`,
        ]
  }
  if (shown === null || typeof shown !== 'object') {
    return shown === real
      ? []
      : [`${path}: README ${JSON.stringify(shown)} vs real ${JSON.stringify(real)}`]
  }
  if (Array.isArray(shown)) {
    if (!Array.isArray(real)) return [`${path}: README has a list, real ${typeof real}`]
    const open = shown.includes(MORE)
    const want = shown.filter((x) => x !== MORE)
    if (!open && want.length !== real.length)
      return [`${path}: README lists ${want.length} items, real ${real.length} (add "…")`]
    let from = 0
    for (const [i, w] of want.entries()) {
      let found = -1
      for (let j = from; j < real.length; j++) {
        if (jsonProblems(w, real[j], `${path}[${i}]`).length === 0) {
          found = j
          break
        }
      }
      if (found < 0) {
        const near = real[Math.min(from, real.length - 1)]
        const why = real.length ? jsonProblems(w, near, `${path}[${i}]`) : []
        return [`${path}[${i}]: no matching item in the real list`, ...why.slice(0, 3)]
      }
      from = found + 1
    }
    return []
  }
  if (real === null || typeof real !== 'object' || Array.isArray(real))
    return [`${path}: README has an object, real ${JSON.stringify(real)}`]
  const out: string[] = []
  for (const [k, v] of Object.entries(shown)) {
    if (UNCOMPARED.has(k)) continue
    const rv = (real as Record<string, unknown>)[k]
    if (rv === undefined) out.push(`${path}.${k}: not in the real report`)
    else out.push(...jsonProblems(v, rv, `${path}.${k}`))
  }
  return out
}
