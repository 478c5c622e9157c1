// Probe rules (content/probe/*.yml, docs/content-format.md "Probe rules") from parsed YAML to compiled
// rules. Every problem is collected with file and field; a rule with an error is dropped. The requests
// a rule may send are checked here, so no content can make the probe write, execute or authenticate.
import type { ContentIssue } from '../../shared/content-issue.ts'
import type { ProbeLevel, ProbeRequest } from '../../shared/probe.ts'
import {
  parseRuleHeader,
  RULE_HEADER_KEYS,
  type RuleHeaderFormat,
} from '../../shared/rule-header.ts'
import { compileExtractRegex, compileMatcher, ERROR_CODES } from './matcher.ts'
import { isAnonymousNegotiate } from './ntlm.ts'
import {
  type CheckOutcomeName,
  type CompiledCheck,
  type CompiledFingerprint,
  type CompiledProbeRule,
  type CompiledWebshellRule,
  type FingerprintExtractor,
  PROBE_RULE_KINDS,
  type ProbeIocPath,
  type ProbeRuleKind,
  type ProbeRuleSource,
  type SampleAnswer,
} from './probe-rule.ts'
import { webshellPaths } from './webshell.ts'

type Raw = Record<string, unknown>
/** forEach whose callback may `return err(...)` to stop at the first problem of an item. */
function each<T>(xs: readonly T[], fn: (x: T, i: number) => unknown): void {
  for (let i = 0; i < xs.length; i++) fn(xs[i] as T, i)
}
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v)

export const PROBE_HEADER: RuleHeaderFormat = {
  idPrefix: 'exh-probe-',
  categories: ['exposure-context', 'exploitation', 'webshell', 'reconnaissance'],
  defaultCategory: 'exposure-context',
  classification: false,
}

const OUTCOMES: readonly CheckOutcomeName[] = [
  'vulnerable',
  'not-vulnerable',
  'mitigated',
  'shell-answered',
  'inconclusive',
]
const KIND_KEYS: Record<ProbeRuleKind, string[]> = {
  fingerprint: ['requests', 'exchange', 'extract'],
  check: ['run-level', 'requests', 'outcomes'],
  'webshell-paths': ['run-level', 'folders', 'extensions', 'max-paths'],
}
const REQUEST_ID = /^[a-z0-9][a-z0-9-]{0,62}$/
// Headers that carry credentials; an anonymous NTLM NEGOTIATE (type 1) is the one Authorization allowed.
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization'])

/** Why a request may not be sent, or undefined. */
export function requestProblem(r: ProbeRequest): string | undefined {
  if (!/^\/[\x21-\x7e]*$/.test(r.path))
    return 'path must start with / and hold only printable ASCII without spaces (percent-encode the rest)'
  const pathOnly = (r.path.split('?')[0] as string).toLowerCase()
  // Never into Exchange's remote PowerShell endpoint, not even through a path confusion.
  if (/\/powershell(?:\/|$)/.test(pathOnly) || /x-rps-cat/i.test(r.path))
    return 'a probe never requests the PowerShell endpoint'
  if (r.method === 'POST' && r.body === undefined) return 'a POST needs its (side-effect free) body'
  if (r.method !== 'POST' && r.body !== undefined) return 'only a POST has a body'
  for (const [k, v] of Object.entries(r.headers ?? {})) {
    const name = k.toLowerCase()
    if (!/^[a-z0-9-]+$/.test(name)) return `header name '${k}' is not a token`
    if (/[\r\n]/.test(v)) return `header ${k} holds a line break`
    if (CREDENTIAL_HEADERS.has(name) && !(name === 'authorization' && isAnonymousNegotiate(v)))
      return `header ${k}: a probe sends no credentials (only an anonymous NTLM NEGOTIATE is allowed)`
  }
  return undefined
}

function sampleAnswers(
  v: unknown,
  where: string,
  err: (p: string, m: string) => void,
): Record<string, SampleAnswer> {
  const out: Record<string, SampleAnswer> = {}
  if (!isMap(v)) {
    err(where, 'answers is a mapping of request id (or URL path) to an answer')
    return out
  }
  for (const [k, a] of Object.entries(v)) {
    if (!isMap(a)) {
      err(`${where}.${k}`, 'an answer is a mapping: status, headers, body or error')
      continue
    }
    const s: SampleAnswer = {}
    if (a.status !== undefined) {
      if (!Number.isInteger(a.status)) err(`${where}.${k}.status`, 'status is a number')
      else s.status = a.status as number
    }
    if (a.headers !== undefined) {
      if (!isMap(a.headers)) err(`${where}.${k}.headers`, 'headers is a mapping')
      else s.headers = Object.fromEntries(Object.entries(a.headers).map(([h, x]) => [h, String(x)]))
    }
    if (a.body !== undefined) s.body = String(a.body)
    if (a.error !== undefined) {
      if (!ERROR_CODES.includes(a.error as never))
        err(`${where}.${k}.error`, `error is one of ${ERROR_CODES.join(', ')}`)
      else s.error = a.error as string
    }
    out[k] = s
  }
  return out
}

function compileRequests(
  v: unknown,
  err: (p: string, m: string) => void,
  seen: Set<string>,
): ProbeRequest[] {
  if (!Array.isArray(v) || v.length === 0) {
    err('requests', 'requests is a non-empty list')
    return []
  }
  const out: ProbeRequest[] = []
  each(v, (raw, i) => {
    const at = `requests[${i}]`
    if (!isMap(raw)) return err(at, 'a request is a mapping: id, method, path, headers, body')
    for (const k of Object.keys(raw))
      if (!['id', 'method', 'path', 'headers', 'body'].includes(k))
        err(`${at}.${k}`, `unknown key '${k}'`)
    const id = raw.id
    if (typeof id !== 'string' || !REQUEST_ID.test(id))
      return err(`${at}.id`, 'id is lower-case letters, digits and dashes')
    if (id.startsWith('shell-'))
      return err(`${at}.id`, "ids starting with 'shell-' are the web-shell check's own")
    if (seen.has(id)) return err(`${at}.id`, `request id ${id} is used by another request`)
    seen.add(id)
    const method = raw.method ?? 'GET'
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST')
      return err(`${at}.method`, 'method is GET, HEAD or POST')
    if (typeof raw.path !== 'string') return err(`${at}.path`, 'path is required')
    const r: ProbeRequest = { id, method, path: raw.path }
    if (raw.headers !== undefined) {
      if (!isMap(raw.headers)) return err(`${at}.headers`, 'headers is a mapping')
      r.headers = Object.fromEntries(Object.entries(raw.headers).map(([k, x]) => [k, String(x)]))
    }
    if (raw.body !== undefined) r.body = String(raw.body)
    const problem = requestProblem(r)
    if (problem) return err(at, problem)
    out.push(r)
  })
  return out
}

function runLevel(doc: Raw, err: (p: string, m: string) => void): ProbeLevel {
  const v = doc['run-level']
  if (v !== 'safe' && v !== 'passive') err('run-level', "run-level is 'safe' or 'passive'")
  return v === 'passive' ? 'passive' : 'safe'
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined
}

/** One rule file's parsed YAML → a compiled rule, or undefined with every problem in `issues`. */
export function compileProbeRule(
  doc: unknown,
  file: string,
  issues: ContentIssue[],
  iocPaths: readonly ProbeIocPath[] = [],
): CompiledProbeRule | undefined {
  const before = issues.length
  const err = (path: string, message: string) =>
    issues.push({ file, path, severity: 'error', message })
  if (!isMap(doc)) {
    err('', 'a probe rule file holds one mapping')
    return undefined
  }
  const kind = doc.kind as ProbeRuleKind
  if (!PROBE_RULE_KINDS.includes(kind)) {
    err('kind', `kind must be one of ${PROBE_RULE_KINDS.join(', ')}`)
    return undefined
  }
  const known = new Set<string>([...RULE_HEADER_KEYS, 'kind', ...KIND_KEYS[kind]])
  for (const k of Object.keys(doc))
    if (!known.has(k))
      issues.push({ file, path: k, severity: 'warning', message: `unknown key '${k}'` })
  const header = parseRuleHeader(doc, file, PROBE_HEADER, (path, message, severity = 'error') =>
    issues.push({ file, path, severity, message }),
  )
  if (doc.tests === undefined)
    err('tests', 'tests is required: recorded answers and what they mean')
  else if (!Array.isArray(doc.tests) || doc.tests.length === 0)
    err('tests', 'tests is a non-empty list')
  const tests = (Array.isArray(doc.tests) ? doc.tests : []) as unknown[]
  const ids = new Set<string>()
  let rule: CompiledProbeRule | undefined
  if (kind === 'fingerprint') {
    const requests = compileRequests(doc.requests, err, ids)
    const exchange: CompiledFingerprint['exchange'] = []
    const ex = doc.exchange
    if (!Array.isArray(ex) || ex.length === 0)
      err('exchange', 'exchange is a non-empty list of { request, when, says }')
    else
      each(ex, (e, i) => {
        const at = `exchange[${i}]`
        if (!isMap(e)) return err(at, 'a mapping: request, when, says')
        const request = e.request
        if (typeof request !== 'string' || !ids.has(request))
          return err(`${at}.request`, 'request names one of the rule requests')
        const when = compileMatcher(e.when, file, `${at}.when`, issues)
        const says = str(e.says)
        if (!says) return err(`${at}.says`, 'says: what this answer shows, in words')
        if (when) exchange.push({ request, when, says })
      })
    const extract: FingerprintExtractor[] = []
    const xs = doc.extract
    if (xs !== undefined && !Array.isArray(xs)) err('extract', 'extract is a list')
    each(Array.isArray(xs) ? xs : [], (x, i) => {
      const at = `extract[${i}]`
      if (!isMap(x)) return err(at, 'an extractor is a mapping')
      const request = x.request
      if (typeof request !== 'string' || !ids.has(request))
        return err(`${at}.request`, 'request names one of the rule requests')
      const kinds = (['build', 'server-name', 'ntlm'] as const).filter((k) => k in x)
      if (kinds.length !== 1) return err(at, 'one of build, server-name or ntlm')
      const k = kinds[0] as FingerprintExtractor['kind']
      const spec = x[k]
      if (!isMap(spec)) return err(`${at}.${k}`, 'part: header|body, name (a header), regex')
      const part = spec.part
      if (part !== 'header' && part !== 'body')
        return err(`${at}.${k}.part`, 'part is header or body')
      const name = typeof spec.name === 'string' ? spec.name.toLowerCase() : undefined
      if (part === 'header' && !name) return err(`${at}.${k}.name`, 'the header name')
      const confidence = x.confidence ?? 'high'
      if (confidence !== 'high' && confidence !== 'medium' && confidence !== 'low')
        return err(`${at}.confidence`, 'confidence is high, medium or low')
      const source = str(x.source)
      if (!source) return err(`${at}.source`, 'source: where the value comes from, in words')
      const priority = x.priority ?? 50
      if (!Number.isInteger(priority)) return err(`${at}.priority`, 'priority is a whole number')
      const e: FingerprintExtractor = {
        request,
        kind: k,
        part,
        source,
        confidence,
        priority: priority as number,
      }
      if (name) e.name = name
      if (k !== 'ntlm') {
        const group = k === 'build' ? 'build' : 'name'
        const re = compileExtractRegex(spec.regex, [group], (m) => err(`${at}.${k}.regex`, m))
        if (!re) return
        e.re = re
      } else if (part !== 'header') return err(`${at}.ntlm.part`, 'the NTLM challenge is a header')
      extract.push(e)
    })
    const fpTests: CompiledFingerprint['tests'] = []
    each(tests, (t, i) => {
      const at = `tests[${i}]`
      if (!isMap(t)) return err(at, 'a test is a mapping: name, answers, exchange, build')
      if (typeof t.exchange !== 'boolean') return err(`${at}.exchange`, 'exchange: true|false')
      const ft: CompiledFingerprint['tests'][number] = {
        name: str(t.name) ?? `test ${i + 1}`,
        answers: sampleAnswers(t.answers, `${at}.answers`, err),
        exchange: t.exchange,
      }
      if (t.build !== undefined) ft.build = String(t.build)
      if (t['server-names'] !== undefined) {
        if (!Array.isArray(t['server-names'])) return err(`${at}.server-names`, 'a list')
        ft.serverNames = t['server-names'].map(String)
      }
      fpTests.push(ft)
    })
    if (header) rule = { kind, header, file, requests, exchange, extract, tests: fpTests }
  } else if (kind === 'check') {
    const level = runLevel(doc, err)
    const requests = compileRequests(doc.requests, err, ids)
    const outcomes: CompiledCheck['outcomes'] = []
    const os = doc.outcomes
    if (!Array.isArray(os) || os.length === 0)
      err('outcomes', 'outcomes is a non-empty list of { outcome, request, when, evidence }')
    each(Array.isArray(os) ? os : [], (o, i) => {
      const at = `outcomes[${i}]`
      if (!isMap(o)) return err(at, 'a mapping: outcome, request, when, evidence')
      const outcome = o.outcome as CheckOutcomeName
      if (!OUTCOMES.includes(outcome) || outcome === 'shell-answered')
        return err(
          `${at}.outcome`,
          'outcome is vulnerable, not-vulnerable, mitigated or inconclusive',
        )
      const request = o.request ?? requests[0]?.id
      if (typeof request !== 'string' || !ids.has(request))
        return err(`${at}.request`, 'request names one of the rule requests')
      const evidence = str(o.evidence)
      if (!evidence) return err(`${at}.evidence`, 'evidence: what the answer showed, in words')
      const when = compileMatcher(o.when, file, `${at}.when`, issues)
      if (when) outcomes.push({ outcome, request, when, evidence })
    })
    const ckTests: CompiledCheck['tests'] = []
    each(tests, (t, i) => {
      const at = `tests[${i}]`
      if (!isMap(t)) return err(at, 'a test is a mapping: name, build, answers, outcome')
      if (!OUTCOMES.includes(t.outcome as CheckOutcomeName))
        return err(`${at}.outcome`, `outcome is one of ${OUTCOMES.join(', ')}`)
      const ct: CompiledCheck['tests'][number] = {
        name: str(t.name) ?? `test ${i + 1}`,
        answers: sampleAnswers(t.answers, `${at}.answers`, err),
        outcome: t.outcome as CheckOutcomeName,
      }
      if (t.build !== undefined) ct.build = String(t.build)
      ckTests.push(ct)
    })
    if (header) rule = { kind, header, file, level, requests, outcomes, tests: ckTests }
  } else {
    const level = runLevel(doc, err)
    const folders: CompiledWebshellRule['folders'] = []
    const fs = doc.folders
    if (!Array.isArray(fs) || fs.length === 0)
      err('folders', 'folders is a non-empty list of { from, to }')
    each(Array.isArray(fs) ? fs : [], (f, i) => {
      const at = `folders[${i}]`
      if (!isMap(f) || typeof f.from !== 'string' || typeof f.to !== 'string')
        return err(
          at,
          'a folder is { from: a Windows folder ending in \\, to: the URL folder ending in / }',
        )
      if (!f.from.endsWith('\\')) return err(`${at}.from`, 'from ends with \\')
      if (!/^\/[A-Za-z0-9_\-./]*\/$/.test(f.to)) return err(`${at}.to`, 'to is a URL folder: /x/y/')
      folders.push({ from: f.from.toLowerCase(), to: f.to })
    })
    const exts = doc.extensions
    if (
      !Array.isArray(exts) ||
      exts.length === 0 ||
      exts.some((e) => !/^[a-z0-9]+$/i.test(String(e)))
    )
      err('extensions', 'extensions is a list of file extensions without the dot')
    const max = doc['max-paths']
    if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 200)
      err('max-paths', 'max-paths is a number from 1 to 200')
    const extensions = (Array.isArray(exts) ? exts : []).map((e) => String(e).toLowerCase())
    const wsTests: CompiledWebshellRule['tests'] = []
    each(tests, (t, i) => {
      const at = `tests[${i}]`
      if (!isMap(t)) return err(at, 'a test is a mapping: name, answers, outcome')
      if (!OUTCOMES.includes(t.outcome as CheckOutcomeName))
        return err(`${at}.outcome`, `outcome is one of ${OUTCOMES.join(', ')}`)
      wsTests.push({
        name: str(t.name) ?? `test ${i + 1}`,
        answers: sampleAnswers(t.answers, `${at}.answers`, err),
        outcome: t.outcome as CheckOutcomeName,
      })
    })
    const maxPaths = Number.isInteger(max) ? (max as number) : 1
    const paths = webshellPaths(iocPaths, folders, extensions, maxPaths)
    if (iocPaths.length > 0 && paths.length === 0)
      issues.push({
        file,
        path: 'folders',
        severity: 'warning',
        message: 'no file-path indicator of content/ioc maps to a URL under these folders',
      })
    if (header)
      rule = { kind, header, file, level, folders, extensions, maxPaths, paths, tests: wsTests }
  }
  if (issues.slice(before).some((i) => i.severity === 'error')) return undefined
  return rule
}

/** Every rule of `sources`; broken rules are dropped and reported. Ids are unique. */
export function compileProbeRules(
  sources: readonly ProbeRuleSource[],
  iocPaths: readonly ProbeIocPath[] = [],
): { rules: CompiledProbeRule[]; accepted: ProbeRuleSource[]; issues: ContentIssue[] } {
  const issues: ContentIssue[] = []
  const rules: CompiledProbeRule[] = []
  const accepted: ProbeRuleSource[] = []
  const ids = new Set<string>()
  const requestIds = new Map<string, string>()
  for (const s of sources) {
    const mine: ContentIssue[] = []
    const r = compileProbeRule(s.doc, s.file, mine, iocPaths)
    if (r) {
      if (ids.has(r.header.id)) {
        mine.push({
          file: s.file,
          path: 'id',
          severity: 'error',
          message: `duplicate id ${r.header.id}`,
        })
      } else {
        const reqs = r.kind === 'webshell-paths' ? [] : r.requests
        const clash = reqs.find((q) => requestIds.has(q.id) && requestIds.get(q.id) !== r.header.id)
        if (clash)
          mine.push({
            file: s.file,
            path: 'requests',
            severity: 'error',
            message: `request id ${clash.id} is also used by ${requestIds.get(clash.id)}`,
          })
        else {
          ids.add(r.header.id)
          for (const q of reqs) requestIds.set(q.id, r.header.id)
          rules.push(r)
          accepted.push(s)
        }
      }
    }
    issues.push(...mine)
  }
  return { rules, accepted, issues }
}
