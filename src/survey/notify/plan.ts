// Groups the changed targets into notices: one per owner and state, listing every target of that
// owner that moved to the state. The key is a hash of owner, state and each target with the time it
// entered the state, so the same change always gives the same key (and Message-ID) however often
// notify runs, and a target that is exposed again after a patch gives a new one.
import { createHash } from 'node:crypto'
import type { Owner } from '../owner/types.ts'
import type { NotifyState, PlannedNotice, TargetStatus } from './types.ts'

export function ownerKeyOf(owner: Owner): string {
  if (owner.email) return owner.email.toLowerCase()
  return `org:${(owner.organisation ?? '').trim().toLowerCase()}`
}

export function noticeKey(
  ownerKey: string,
  state: NotifyState,
  targets: readonly TargetStatus[],
): string {
  const items = targets.map((t) => `${t.targetId}@${t.since}`).sort()
  return createHash('sha256')
    .update(JSON.stringify(['exhunt-notice/1', ownerKey, state, items]))
    .digest('hex')
    .slice(0, 32)
}

export interface Plan {
  notices: PlannedNotice[]
  /** Changed targets no source knew an owner for. */
  ownerless: TargetStatus[]
}

export function planNotices(
  changed: readonly TargetStatus[],
  owners: ReadonlyMap<string, Owner>,
): Plan {
  const groups = new Map<string, { owner: Owner; state: NotifyState; targets: TargetStatus[] }>()
  const ownerless: TargetStatus[] = []
  for (const t of changed) {
    const owner = owners.get(t.targetId)
    if (!owner) {
      ownerless.push(t)
      continue
    }
    const ownerKey = ownerKeyOf(owner)
    const g = `${ownerKey}\u0000${t.state}`
    const group = groups.get(g)
    if (group) group.targets.push(t)
    else groups.set(g, { owner, state: t.state, targets: [t] })
  }
  const notices: PlannedNotice[] = []
  for (const { owner, state, targets } of groups.values()) {
    targets.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
    const ownerKey = ownerKeyOf(owner)
    notices.push({ key: noticeKey(ownerKey, state, targets), ownerKey, owner, state, targets })
  }
  notices.sort((a, b) =>
    a.ownerKey < b.ownerKey ? -1 : a.ownerKey > b.ownerKey ? 1 : a.state < b.state ? -1 : 1,
  )
  return { notices, ownerless }
}
