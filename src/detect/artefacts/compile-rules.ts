// Validates and compiles artefact heuristics from their parsed YAML (read and parsed by the loader,
// content/artefacts/load-artefact-rules.ts). Every problem is collected with file and field; a rule with
// an error is dropped.
import type { ContentIssue } from '../../shared/content-issue.ts'
import { provesField } from '../../shared/proves.ts'
import { PHASES, type Phase, type Proof, SEVERITIES, type Severity } from '../../shared/types.ts'
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
  for (const k of [
    'id',
    'title',
    'level',
    'category',
    'target',
    'match',
    'reasons',
    'references',
    'tests',
  ])
    if (doc[k] === undefined) err(k, `${k} is required`)
  const id = String(doc.id ?? '')
  if (id && !/^exh-art-[a-z0-9-]+$/.test(id)) err('id', 'id must be exh-art-<kebab-case>')
  if (id && !file.endsWith(`${id}.yml`)) err('id', `file name must be ${id}.yml`)
  const level = doc.level as Severity
  if (!SEVERITIES.includes(level)) err('level', `level must be one of ${SEVERITIES.join(', ')}`)
  const proves: Proof = provesField(doc.proves, err) ?? 'suspicion'
  if (doc.category !== undefined && doc.category !== 'post-exploitation')
    err('category', 'category must be post-exploitation')
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
  const refs = Array.isArray(doc.references) ? doc.references.map(String) : []
  if (refs.length === 0) err('references', 'at least one reference')
  const tests = (doc.tests ?? {}) as Raw
  const rule: CompiledArtefactRule = {
    id,
    title: String(doc.title ?? ''),
    level,
    proves,
    target,
    attack: Array.isArray(doc.attack) ? doc.attack.map(String) : [],
    match: compileCondition(doc.match, file, 'match', issues),
    reasons,
    source: {
      engine: 'heuristic',
      file,
      author: String(doc.author ?? 'exhunt'),
      license: 'MIT (exhunt)',
    },
  }
  if (phase) rule.phase = phase
  if (refs[0]) rule.source.url = refs[0]
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
