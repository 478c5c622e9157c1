// Artefact rules behind the `Engine` interface. One input is one item seen as one or more targets (a
// staged zip is a `file` and an `archive`); every rule of those targets that holds is a hit, and the hunt
// folds an item's hits into ONE finding (`artefactFinding`) once it has read the file facts, which it
// does only for items something fired on.
import { type CompiledEngine, type Engine, statelessSession } from '../../shared/engine.ts'
import type {
  ArtefactInput,
  ArtefactTarget,
  CompiledArtefactRule,
  CompiledArtefactRules,
} from './artefact-rule.ts'
import { evalCondition, ItemView } from './condition.ts'

export interface ArtefactItem {
  targets: readonly ArtefactTarget[]
  input: ArtefactInput
}

export const artefactEngine = {
  name: 'artefact' as const,
  compile(rules: CompiledArtefactRules): CompiledEngine<ArtefactItem, CompiledArtefactRule> {
    // Rules by target, in content order, so an item is only tested against its own targets' rules.
    const byTarget = new Map<ArtefactTarget, CompiledArtefactRule[]>()
    for (const r of rules.rules) {
      const list = byTarget.get(r.target)
      if (list) list.push(r)
      else byTarget.set(r.target, [r])
    }
    return {
      name: 'artefact',
      rules: rules.rules.length,
      // compileArtefactRules reports (and drops) broken rules where the content is loaded.
      issues: [],
      session: () =>
        statelessSession((item, emit) => {
          const view = new ItemView(item.input)
          for (const t of item.targets) {
            for (const r of byTarget.get(t) ?? []) if (evalCondition(r.match, view)) emit(r)
          }
        }),
    }
  },
} satisfies Engine<CompiledArtefactRules, ArtefactItem, CompiledArtefactRule>
