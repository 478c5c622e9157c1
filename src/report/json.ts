// JSON and NDJSON: the HuntReport as is, keys in the order of src/shared/types.ts so that two runs
// on the same evidence diff cleanly. Unknown keys follow, alphabetically.
import type { Finding, HuntReport } from '../shared/types.ts'

type Order = { keys: readonly string[]; children?: Record<string, Order>; items?: Order }

const SOURCE: Order = { keys: ['path', 'line', 'record'] }
const INDICATORS: Order = { keys: ['ips', 'users', 'paths', 'userAgents'] }
const RULE_SOURCE: Order = { keys: ['engine', 'file', 'author', 'license', 'url', 'origins'] }
const FILE: Order = { keys: ['size', 'sha256', 'sha1', 'md5', 'mtime', 'ctime', 'btime'] }
export const FINDING_KEYS = [
  'id',
  'rule',
  'title',
  'severity',
  'category',
  'outcome',
  'proves',
  'phase',
  'cves',
  'attack',
  'time',
  'source',
  'indicators',
  'evidence',
  'ruleSource',
  'fields',
  'matched',
  'reasons',
  'file',
  'related',
  'folded',
  'event',
] as const
const FINDING: Order = {
  keys: FINDING_KEYS,
  children: { source: SOURCE, indicators: INDICATORS, ruleSource: RULE_SOURCE, file: FILE },
}
const TIMELINE: Order = {
  keys: ['kind', 'key', 'first', 'last', 'count', 'rules', 'severity', 'findings'],
}
const COVERAGE: Order = {
  keys: ['entries', 'warnings', 'unread'],
  children: {
    entries: {
      keys: [],
      items: { keys: ['logType', 'files', 'bytes', 'lines', 'oldest', 'newest'] },
    },
    unread: { keys: [], items: { keys: ['kind', 'files', 'bytes', 'reason', 'examples'] } },
  },
}
const EXPOSURE: Order = {
  keys: [
    'build',
    'buildSource',
    'product',
    'versionName',
    'releaseDate',
    'missing',
    'caveats',
    'approximate',
    'update',
  ],
  children: {
    missing: { keys: [], items: { keys: ['cve', 'fixedIn', 'caveat'] } },
    update: { keys: ['name', 'product', 'build', 'releaseDate'] },
  },
}
const ERROR: Order = { keys: ['code', 'path', 'message', 'line'] }
const STATS: Order = {
  keys: [
    'files',
    'bytes',
    'lines',
    'records',
    'findings',
    'folded',
    'durationMs',
    'workers',
    'rules',
    'examined',
  ],
  children: { examined: { keys: ['logFiles', 'logLines', 'webFiles', 'artefacts'] } },
}
const REPORT: Order = {
  keys: [
    'schema',
    'kind',
    'tool',
    'target',
    'input',
    'startedAt',
    'finishedAt',
    'complete',
    'incomplete',
    'verdict',
    'verdictReasons',
    'advice',
    'findings',
    'timeline',
    'coverage',
    'exposure',
    'errors',
    'stats',
  ],
  children: {
    tool: { keys: ['name', 'version', 'contentVersion'] },
    target: {
      keys: ['hosts', 'installPath', 'evidence'],
      children: { evidence: { keys: ['algorithm', 'value'] } },
    },
    advice: { keys: ['verdict', 'steps', 'source'] },
    input: { keys: ['path', 'kind', 'layouts'] },
    findings: { keys: [], items: FINDING },
    timeline: { keys: [], items: TIMELINE },
    coverage: COVERAGE,
    exposure: EXPOSURE,
    errors: { keys: [], items: ERROR },
    stats: STATS,
  },
}

function ordered(value: unknown, order: Order | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, order?.items))
  if (value === null || typeof value !== 'object') return value
  const obj = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  const known = order?.keys ?? []
  const rest = Object.keys(obj)
    .filter((k) => !known.includes(k))
    .sort()
  for (const k of [...known, ...rest]) {
    if (obj[k] !== undefined) out[k] = ordered(obj[k], order?.children?.[k])
  }
  return out
}

export function renderJson(report: HuntReport): string {
  return `${JSON.stringify(ordered(report, REPORT), null, 2)}\n`
}

/** One finding as one NDJSON line (no newline), tagged `"type":"finding"`. */
export function ndjsonLine(f: Finding): string {
  return JSON.stringify({ type: 'finding', ...(ordered(f, FINDING) as object) })
}

/** The closing line of an NDJSON stream: everything in the report except the findings. */
export function ndjsonSummary(r: HuntReport): string {
  const o = ordered(r, REPORT) as Record<string, unknown>
  return JSON.stringify({
    type: 'summary',
    schema: o.schema,
    kind: o.kind,
    tool: o.tool,
    target: o.target,
    input: o.input,
    startedAt: o.startedAt,
    finishedAt: o.finishedAt,
    complete: o.complete,
    incomplete: o.incomplete,
    verdict: o.verdict,
    reasons: o.verdictReasons,
    advice: o.advice,
    timeline: o.timeline,
    stats: o.stats,
    coverage: o.coverage,
    exposure: o.exposure,
    errors: o.errors,
  })
}

export function renderNdjson(r: HuntReport, summaryOnly = false): string {
  const lines = summaryOnly ? [] : r.findings.map(ndjsonLine)
  lines.push(ndjsonSummary(r))
  return `${lines.join('\n')}\n`
}

/** The report as a plain object with keys in the documented order (for arrays and lines of reports). */
export function orderedReport(r: HuntReport): unknown {
  return ordered(r, REPORT)
}
