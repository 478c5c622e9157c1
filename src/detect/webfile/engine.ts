// Web-file heuristics (content/rules/webfile/*.yml, compiled by content/webfile) behind the `Engine`
// interface: every heuristic that fires on a file is one hit, folded by the hunt into the file's finding.
import { type CompiledEngine, type Engine, statelessSession } from '../../shared/engine.ts'
import { type CompiledHeuristics, heuristicHits } from './heuristics.ts'
import type { WebFileInput, WebHit } from './hit.ts'

export const heuristicEngine = {
  name: 'heuristic' as const,
  compile(h: CompiledHeuristics): CompiledEngine<WebFileInput, WebHit> {
    return {
      name: 'heuristic',
      rules: h.rules.length,
      // The loader compiles each rule's regexes and reports (and drops) the broken ones.
      issues: [],
      session: () =>
        statelessSession((input, emit) => {
          for (const hit of heuristicHits(h, input)) emit(hit)
        }),
    }
  },
} satisfies Engine<CompiledHeuristics, WebFileInput, WebHit>
