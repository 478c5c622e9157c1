// Validates and compiles artefact heuristics from their parsed YAML (read and parsed by the loader,
// content/artefacts/load-artefact-rules.ts). Every problem is collected with file and field; a rule with
// an error is dropped.
import type { ContentIssue } from '../../shared/content-issue.ts'
import { parseRuleHeader, type RuleHeaderFormat } from '../../shared/rule-header.ts'
import { PHASES, type Phase } from '../../shared/types.ts'
import {
  ARTEFACT_TARGETS,
  type ArtefactSample,
  type ArtefactTarget,
  type CompiledArtefactRule,
  type CompiledArtefactRules,
} from './artefact-rule.ts'
import { compileCondition } from './condition.ts'

type Raw = Record<string, unknown>

function samples(
  raw: unknown,
  file: string,
  path: string,
  issues: ContentIssue[],
): ArtefactSample[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    issues.push({ file, path, severity: 'error', message: 'at least one sample' })
    return []
  }
  return raw.map((s, i) => {
    const o = (s ?? {}) as Raw
    if (typeof o.path !== 'string')
      issues.push({
        file,
        path: `${path}[${i}]`,
        severity: 'error',
        message: 'a sample needs a path',
      })
    return o as unknown as ArtefactSample
  })
}

/** Artefact rules: category post-exploitation, CVEs and ATT&CK ids at the top. */
const ARTEFACT_HEADER: RuleHeaderFormat = {
  idPrefix: 'exh-art-',
  categories: ['post-exploitation'],
  defaultCategory: 'post-exploitation',
  classification: false,
}

export function compileArtefactRule(
  doc: Raw,
  file: string,
  issues: ContentIssue[],
): {
  rule: CompiledArtefactRule
  tests: { positive: ArtefactSample[]; negative: ArtefactSample[] }
} {
  const err = (path: string, message: string) =>
    issues.push({ file, path, severity: 'error', message })
  for (const k of ['target', 'match', 'reasons', 'tests'])
    if (doc[k] === undefined) err(k, `${k} is required`)
  const h = parseRuleHeader(doc, file, ARTEFACT_HEADER, (path, message, severity = 'error') =>
    issues.push({ file, path, severity, message }),
  )
  const target = doc.target as ArtefactTarget
  if (!ARTEFACT_TARGETS.includes(target))
    err('target', `target must be one of ${ARTEFACT_TARGETS.join(', ')}`)
  const phase = doc.phase as Phase | undefined
  if (phase !== undefined && !PHASES.includes(phase)) err('phase', `unknown phase ${phase}`)
  const rawReasons: unknown[] = Array.isArray(doc.reasons) ? doc.reasons : []
  rawReasons.forEach((r, i) => {
    // An unquoted `: ` inside a YAML line turns the reason into a mapping.
    if (typeof r !== 'string') err(`reasons[${i}]`, 'a reason is one line of text (quote it)')
  })
  const reasons = rawReasons.map(String)
  if (reasons.length === 0) err('reasons', 'reasons needs at least one line')
  const tests = (doc.tests ?? {}) as Raw
  const rule: CompiledArtefactRule = {
    id: h?.id ?? String(doc.id ?? ''),
    title: h?.title ?? String(doc.title ?? ''),
    level: h?.level ?? 'info',
    proves: h?.proves ?? 'suspicion',
    target,
    attack: h?.attack ?? [],
    match: compileCondition(doc.match, file, 'match', issues),
    reasons,
    source: {
      engine: 'heuristic',
      file,
      author: h?.author ?? 'exhunt',
      license: h?.license ?? 'MIT (exhunt)',
    },
  }
  if (phase) rule.phase = phase
  if (h?.references[0]) rule.source.url = h.references[0]
  return {
    rule,
    tests: {
      positive: samples(tests.positive, file, 'tests.positive', issues),
      negative: samples(tests.negative, file, 'tests.negative', issues),
    },
  }
}

/** `docs`: content-root-relative file name and parsed YAML document of each rule. */
export function compileArtefactRules(docs: readonly { file: string; doc: unknown }[]): {
  rules: CompiledArtefactRules
  issues: ContentIssue[]
} {
  const issues: ContentIssue[] = []
  const out: CompiledArtefactRules = { rules: [], tests: new Map() }
  const seen = new Set<string>()
  for (const { file, doc } of docs) {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      issues.push({ file, path: '', severity: 'error', message: 'a rule file holds one mapping' })
      continue
    }
    const before = issues.filter((i) => i.severity === 'error').length
    const { rule, tests } = compileArtefactRule(doc as Raw, file, issues)
    if (seen.has(rule.id))
      issues.push({ file, path: 'id', severity: 'error', message: `duplicate id ${rule.id}` })
    if (issues.filter((i) => i.severity === 'error').length > before || seen.has(rule.id)) continue
    seen.add(rule.id)
    out.rules.push(rule)
    out.tests.set(rule.id, tests)
  }
  return { rules: out, issues }
}
