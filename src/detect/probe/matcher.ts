// The matcher language of probe rules (docs/content-format.md, "Probe rules"): conditions on ONE answer,
// in the spirit of nuclei's matchers (status, header, body, negation, and/or) with the operators and
// case rules of the native log format. Compiled once per process; re2 for every regex (linear time on a
// hostile server's body).
import RE2 from 're2'
import type { ContentIssue } from '../../shared/content-issue.ts'
import type { ProbeErrorCode, ProbeResponse } from '../../shared/probe.ts'

/** What a condition can see besides the answer: the fingerprint's verdict on the build. */
export interface MatchContext {
  /** CVEs the fingerprinted build misses for certain (`exact` or `at-least`). */
  missing: ReadonlySet<string>
  /** CVEs the build certainly has (a build was found and does not miss them even possibly). */
  fixed: (cve: string) => boolean
}

export type Matcher = (r: ProbeResponse, ctx: MatchContext) => boolean

export const STRING_OPS = [
  'equals',
  'contains',
  'startswith',
  'endswith',
  'regex',
  'wildcard',
  'in',
  'contains-any',
  'contains-all',
  'startswith-any',
  'endswith-any',
] as const
type StringOp = (typeof STRING_OPS)[number]

export const ERROR_CODES: readonly ProbeErrorCode[] = [
  'refused',
  'unreachable',
  'reset',
  'timeout',
  'tls',
  'too-large',
  'not-http',
  'bad-encoding',
  'aborted',
]

const LEAF_KEYS = new Set(['part', 'name', 'case', 'exists', ...STRING_OPS])
const REGEX_SPECIALS = /[.+^${}()|[\]\\*?]/g
const esc = (s: string) => s.replace(REGEX_SPECIALS, '\\$&')

type Raw = Record<string, unknown>
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A string test on one value; `undefined` (header absent) never matches an operator. */
type StringTest = (v: string) => boolean

function stringTest(
  op: StringOp,
  value: unknown,
  sensitive: boolean,
  fail: (m: string) => void,
): StringTest | undefined {
  const many = ['in', 'contains-any', 'contains-all', 'startswith-any', 'endswith-any'].includes(op)
  const values = Array.isArray(value) ? value : [value]
  if (values.length === 0 || values.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
    fail(`${op} wants ${many ? 'a list of strings' : 'a string'}`)
    return undefined
  }
  if (!many && Array.isArray(value)) {
    fail(`${op} wants one string (use ${op === 'equals' ? 'in' : `${op}-any`} for a list)`)
    return undefined
  }
  const vs = values.map(String)
  const fold = sensitive ? (s: string) => s : (s: string) => s.toLowerCase()
  const ws = vs.map(fold)
  const w = ws[0] as string
  const flags = sensitive ? 'u' : 'iu'
  const re = (src: string): StringTest | undefined => {
    try {
      const r = new RE2(src, flags)
      return (v) => r.test(v)
    } catch (e) {
      fail(`${op}: bad regex (re2): ${(e as Error).message}`)
      return undefined
    }
  }
  switch (op) {
    case 'equals':
      return (v) => fold(v) === w
    case 'in':
      return (v) => ws.includes(fold(v))
    case 'contains':
      return (v) => fold(v).includes(w)
    case 'contains-any':
      return (v) => ws.some((x) => fold(v).includes(x))
    case 'contains-all':
      return (v) => ws.every((x) => fold(v).includes(x))
    case 'startswith':
      return (v) => fold(v).startsWith(w)
    case 'startswith-any':
      return (v) => ws.some((x) => fold(v).startsWith(x))
    case 'endswith':
      return (v) => fold(v).endsWith(w)
    case 'endswith-any':
      return (v) => ws.some((x) => fold(v).endsWith(x))
    case 'regex':
      return re(vs[0] as string)
    case 'wildcard': {
      // `*` any run, `?` one character (a code point: re2 reads UTF-8), whole value.
      const src = [...(vs[0] as string)]
        .map((c) => (c === '*' ? '(?s:.)*' : c === '?' ? '(?s:.)' : esc(c)))
        .join('')
      return re(`^${src}$`)
    }
  }
}

/**
 * One condition → a matcher, or undefined after every problem went to `issues`. Leaves: `status`,
 * `part: header` + `name`, `part: body`, `error`, `answered`, `build-misses`; nodes: all/any/none/not.
 */
export function compileMatcher(
  raw: unknown,
  file: string,
  where: string,
  issues: ContentIssue[],
): Matcher | undefined {
  const fail = (message: string, path = where): undefined => {
    issues.push({ file, path, severity: 'error', message })
    return undefined
  }
  if (!isMap(raw)) return fail('a condition must be a mapping')
  const keys = Object.keys(raw)
  for (const node of ['all', 'any', 'none'] as const) {
    if (!(node in raw)) continue
    if (keys.length !== 1) return fail(`${node} stands alone in its mapping`)
    const v = raw[node]
    if (!Array.isArray(v) || v.length === 0) return fail(`${node} needs a non-empty list`)
    const kids = v.map((c, i) => compileMatcher(c, file, `${where}.${node}[${i}]`, issues))
    if (kids.some((k) => k === undefined)) return undefined
    const ks = kids as Matcher[]
    if (node === 'all') return (r, c) => ks.every((k) => k(r, c))
    if (node === 'any') return (r, c) => ks.some((k) => k(r, c))
    return (r, c) => !ks.some((k) => k(r, c))
  }
  if ('not' in raw) {
    if (keys.length !== 1) return fail('not stands alone in its mapping')
    const k = compileMatcher(raw.not, file, `${where}.not`, issues)
    return k && ((r, c) => !k(r, c))
  }
  if ('status' in raw) {
    if (keys.length !== 1) return fail('status stands alone in its mapping')
    const list = Array.isArray(raw.status) ? raw.status : [raw.status]
    if (list.length === 0 || list.some((s) => !Number.isInteger(s) || s < 100 || s > 599))
      return fail('status wants an HTTP status (100-599) or a list of them')
    const set = new Set(list as number[])
    return (r) => r.status !== null && set.has(r.status)
  }
  if ('answered' in raw) {
    if (keys.length !== 1 || typeof raw.answered !== 'boolean')
      return fail('answered: true|false stands alone (true: an HTTP status line came back)')
    const want = raw.answered
    return (r) => (r.status !== null) === want
  }
  if ('error' in raw) {
    if (keys.length !== 1) return fail('error stands alone in its mapping')
    const list = (Array.isArray(raw.error) ? raw.error : [raw.error]).map(String)
    if (list.length === 1 && list[0] === 'any') return (r) => r.error !== undefined
    const bad = list.filter((c) => !ERROR_CODES.includes(c as ProbeErrorCode))
    if (bad.length > 0 || list.length === 0)
      return fail(`error wants 'any' or codes of ${ERROR_CODES.join(', ')}; got ${bad.join(', ')}`)
    const set = new Set(list)
    return (r) => r.error !== undefined && set.has(r.error.code)
  }
  if ('build-misses' in raw) {
    const cve = raw['build-misses']
    if (keys.length !== 1 || typeof cve !== 'string' || !/^CVE-\d{4}-\d{4,}$/.test(cve))
      return fail('build-misses wants one CVE id and stands alone')
    return (_r, c) => c.missing.has(cve)
  }
  if ('build-has' in raw) {
    const cve = raw['build-has']
    if (keys.length !== 1 || typeof cve !== 'string' || !/^CVE-\d{4}-\d{4,}$/.test(cve))
      return fail('build-has wants one CVE id and stands alone')
    return (_r, c) => c.fixed(cve)
  }
  if (!('part' in raw))
    return fail(
      'a condition is all/any/none/not, status, answered, error, build-misses, build-has, or a part: header|body leaf',
    )
  for (const k of keys) if (!LEAF_KEYS.has(k)) return fail(`unknown key '${k}' in a part leaf`)
  const part = raw.part
  if (part !== 'header' && part !== 'body')
    return fail(`part '${String(part)}' is not header or body`)
  let name: string | undefined
  if (part === 'header') {
    if (typeof raw.name !== 'string' || raw.name.trim() === '')
      return fail('part: header needs the header name in name:')
    name = raw.name.trim().toLowerCase()
  } else if ('name' in raw) return fail('name: is for part: header')
  if (raw.case !== undefined && raw.case !== 'sensitive' && raw.case !== 'insensitive')
    return fail("case is 'sensitive' or 'insensitive'")
  const ops = keys.filter((k) => k === 'exists' || (STRING_OPS as readonly string[]).includes(k))
  if (ops.length !== 1) return fail(`one operator per leaf, found ${ops.join(', ') || 'none'}`)
  const op = ops[0] as StringOp | 'exists'
  const read =
    name === undefined
      ? (r: ProbeResponse) => (r.status === null && r.body === '' ? undefined : r.body)
      : (r: ProbeResponse) => r.headers[name as string]
  if (op === 'exists') {
    if (typeof raw.exists !== 'boolean') return fail('exists wants true or false')
    const want = raw.exists
    return (r) => {
      const v = read(r)
      return (v !== undefined && v !== '') === want
    }
  }
  const test = stringTest(op, raw[op], raw.case === 'sensitive', (m) => fail(m))
  if (!test) return undefined
  return (r) => {
    const v = read(r)
    return v !== undefined && test(v)
  }
}

/** One regex with named groups (`(?<build>...)`), for extractors; undefined after an issue. */
export function compileExtractRegex(
  src: unknown,
  groups: readonly string[],
  fail: (m: string) => void,
): RE2 | undefined {
  if (typeof src !== 'string' || src === '') {
    fail('regex wants a string')
    return undefined
  }
  let re: RE2
  try {
    re = new RE2(src, 'iu')
  } catch (e) {
    fail(`bad regex (re2): ${(e as Error).message}`)
    return undefined
  }
  for (const g of groups)
    if (!src.includes(`(?<${g}>`) && !src.includes(`(?P<${g}>`)) {
      fail(`the regex needs a named group (?<${g}>...)`)
      return undefined
    }
  return re
}
