// Runs each heuristic's inline tests (positive samples must fire it, negative must not).

import { decodeText } from '../../detect/webfile/decode.ts'
import { heuristicHits } from '../../detect/webfile/heuristics.ts'
import { webFileInfo } from '../../detect/webfile/hit.ts'
import type { HeuristicSample, LoadedHeuristics } from './load-heuristics.ts'

export function sampleBytes(s: HeuristicSample): Uint8Array {
  return s.hex !== undefined
    ? Uint8Array.from(Buffer.from(s.hex.replace(/\s+/g, ''), 'hex'))
    : new TextEncoder().encode(s.text ?? '')
}

/** Failures as `<id>: positive[0] did not fire` lines; empty when every sample behaves. */
export function runHeuristicTests(h: Pick<LoadedHeuristics, 'rules' | 'tests'>): string[] {
  const failures: string[] = []
  for (const rule of h.rules) {
    const t = h.tests.get(rule.id)
    if (!t) continue
    const one = { rules: [rule] }
    const check = (kind: 'positive' | 'negative', list: HeuristicSample[]) => {
      list.forEach((s, i) => {
        const bytes = sampleBytes(s)
        const text = decodeText(bytes).text
        const file = webFileInfo(s.path ?? s.name, s.path, bytes.length)
        if (s.oversized) file.oversized = true
        const fired =
          heuristicHits(one, { file, bytes, text, lower: text.toLowerCase() }).length > 0
        if (fired !== (kind === 'positive')) {
          failures.push(
            `${rule.id}: tests.${kind}[${i}] (${s.name}) ${fired ? 'fired' : 'did not fire'}`,
          )
        }
      })
    }
    check('positive', t.positive)
    check('negative', t.negative)
  }
  return failures
}
