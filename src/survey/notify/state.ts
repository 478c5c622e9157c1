// A target's notify state from its newest observations, and which targets changed since their last
// notice. Only a state an owner must act on starts a conversation: a target first seen patched is
// not mailed (nothing to say), a patched target that was exposed or compromised is (it closes the
// case, and a compromise stays a compromise after patching: the message says so).
import type { ProbeVerdict } from '../../shared/probe.ts'
import type { NotifyState, TargetStatus } from './types.ts'

/** `undefined`: not Exchange, unreachable, or nothing seen: no state to notify about. */
export function stateOf(probe?: ProbeVerdict, huntVerdict?: string): NotifyState | undefined {
  if (huntVerdict === 'compromised' || probe === 'likely-compromised') return 'compromised'
  if (probe === 'vulnerable') return 'exposed'
  if (probe === 'patched') return 'patched'
  return undefined
}

/** The targets whose state differs from the one their last notice announced. */
export function changedTargets(
  statuses: readonly TargetStatus[],
  lastNotified: ReadonlyMap<string, NotifyState>,
): TargetStatus[] {
  return statuses.filter((t) => {
    const last = lastNotified.get(t.targetId)
    if (last === t.state) return false
    if (t.state === 'patched' && last === undefined) return false
    return true
  })
}
