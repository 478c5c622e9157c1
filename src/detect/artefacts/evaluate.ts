// Runs the rules of one target on one item and folds what fired into ONE finding per item: the strongest
// rule names it, every rule that fired is listed in reasons, the file's facts ride along.

import { findingId } from '../../shared/finding-id.ts'
import { strongestProof } from '../../shared/proves.ts'
import { type FileFacts, type Finding, severityRank } from '../../shared/types.ts'
import type {
  ArtefactInput,
  ArtefactTarget,
  CompiledArtefactRule,
  CompiledArtefactRules,
} from './artefact-rule.ts'
import { artefactEngine } from './engine.ts'

/** The rules of one target that hold for the item, through the artefact engine (rule tests, unit tests). */
export function artefactHits(
  rules: CompiledArtefactRules,
  target: ArtefactTarget,
  input: ArtefactInput,
): CompiledArtefactRule[] {
  const out: CompiledArtefactRule[] = []
  artefactEngine
    .compile(rules)
    .session()
    .match({ targets: [target], input }, (r) => out.push(r))
  return out
}

export interface ArtefactContext {
  target: ArtefactTarget
  /** Extra facts shown in the finding (members, command, physicalPath, ...). */
  fields?: Record<string, string>
  /** File facts from the artefact (size, times, whole-file hash when it was computed). */
  file?: FileFacts
  /** What the evidence line shows after the path (default: the command, members or physicalPath). */
  detail?: string
  /** Distinguishes several items of one file (IIS vdirs of one applicationHost.config). */
  key?: string
}

function strongest(hits: readonly CompiledArtefactRule[]): CompiledArtefactRule {
  let best = hits[0]!
  for (const h of hits) if (severityRank(h.level) > severityRank(best.level)) best = h
  return best
}

export function artefactFinding(
  hits: readonly CompiledArtefactRule[],
  input: ArtefactInput,
  ctx: ArtefactContext,
): Finding | undefined {
  if (hits.length === 0) return undefined
  const top = strongest(hits)
  const proves = strongestProof(hits)
  const where = input.windowsPath ?? input.path
  const id = findingId('artefact', ctx.target, input.path, ctx.key)
  const fields: Record<string, string> = { rules: hits.map((h) => h.id).join(', '), ...ctx.fields }
  const detail = ctx.detail ?? ctx.fields?.command ?? ctx.fields?.members ?? ''
  const finding: Finding = {
    id,
    rule: top.id,
    title: top.title,
    severity: top.level,
    category: 'post-exploitation',
    // A dump, staged archive or persistence on disk is the attacker's action already done.
    outcome: proves === 'compromise' ? 'success' : 'unknown',
    proves,
    cves: [],
    attack: [...new Set(hits.flatMap((h) => h.attack))],
    source: { path: input.path },
    indicators: { ips: [], users: [], paths: [where], userAgents: [] },
    evidence: `${where}${detail ? `: ${detail}` : ''}`.slice(0, 2000),
    ruleSource: top.source,
    fields,
    reasons: hits.flatMap((h) => h.reasons.map((r) => `${r} [heuristic ${h.id}]`)),
  }
  if (top.phase) finding.phase = top.phase
  if (ctx.file) {
    finding.file = ctx.file
    if (ctx.file.mtime) finding.time = ctx.file.mtime
  }
  return finding
}
