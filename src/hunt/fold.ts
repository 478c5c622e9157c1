// Constant memory on huge evidence: past a per-rule cap, a finding folds into the kept finding of the
// same rule and actor (or the rule's last one) instead of being kept. Counts are never lost.
import type { Finding } from '../shared/types.ts'

export const DEFAULT_MAX_FINDINGS_PER_RULE = 2000

export function createFolder(cap = DEFAULT_MAX_FINDINGS_PER_RULE) {
  const perRule = new Map<string, number>()
  const byActor = new Map<string, Finding>()
  const lastOfRule = new Map<string, Finding>()
  return {
    /** Returns true when the finding is kept (and so should be emitted), false when it was folded. */
    add(f: Finding): boolean {
      const n = perRule.get(f.rule) ?? 0
      const actorKey = `${f.rule}\u0000${f.indicators.ips[0] ?? ''}`
      if (n < cap) {
        perRule.set(f.rule, n + 1)
        byActor.set(actorKey, f)
        lastOfRule.set(f.rule, f)
        return true
      }
      const into = byActor.get(actorKey) ?? lastOfRule.get(f.rule)
      if (!into) return true
      into.folded = (into.folded ?? 0) + 1 + (f.folded ?? 0)
      return false
    },
  }
}
