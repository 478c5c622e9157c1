// Runs each artefact rule's inline tests: positive samples must fire it, negative ones must not.
import type { ArtefactInput, ArtefactSample, CompiledArtefactRules } from './artefact-rule.ts'
import { artefactHits } from './evaluate.ts'

export function sampleInput(s: ArtefactSample): ArtefactInput {
  const head =
    s.hex !== undefined ? Uint8Array.from(Buffer.from(s.hex.replace(/\s+/g, ''), 'hex')) : undefined
  const name = s.name ?? s.path.replace(/\\/g, '/').split('/').pop() ?? ''
  const input: ArtefactInput = {
    path: s.path,
    windowsPath: s.path,
    name,
    size: s.size ?? head?.length ?? 0,
  }
  if (head) input.head = head
  if (s.text !== undefined) input.text = s.text
  if (s.members) input.members = s.members
  return input
}

/** Failures as `<id>: tests.positive[0] (<path>) did not fire`; empty when every sample behaves. */
export function runArtefactRuleTests(compiled: CompiledArtefactRules): string[] {
  const failures: string[] = []
  for (const rule of compiled.rules) {
    const t = compiled.tests.get(rule.id)
    if (!t) continue
    const one: CompiledArtefactRules = { rules: [rule], tests: new Map() }
    for (const kind of ['positive', 'negative'] as const) {
      t[kind].forEach((s, i) => {
        const fired = artefactHits(one, rule.target, sampleInput(s)).length > 0
        if (fired !== (kind === 'positive'))
          failures.push(
            `${rule.id}: tests.${kind}[${i}] (${s.path}) ${fired ? 'fired' : 'did not fire'}`,
          )
      })
    }
  }
  return failures
}
