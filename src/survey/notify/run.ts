// One `exhunt notify` run: statuses from the store → targets whose state changed since their last
// notice → owners → one notice per owner and state → claim, send, confirm (or a dry run, or an
// export). Claims an earlier run left unconfirmed are reported first, every run, until settled.

import { asnDataVersion } from '../owner/asn-db.ts'
import { type OwnerSources, resolveOwners } from '../owner/resolve.ts'
import type { ContactIssue } from '../owner/types.ts'
import type { NoticeLedger, UnconfirmedClaim } from './ledger.ts'
import { planNotices } from './plan.ts'
import type { RenderedNotice } from './render.ts'
import { type Deliver, sendNotices } from './send.ts'
import { changedTargets } from './state.ts'
import type { NoticeTemplates } from './templates.ts'
import type { NoticeResult, TargetStatus } from './types.ts'
import type { ViewOptions } from './view.ts'

export interface NotifyRunOptions extends ViewOptions {
  ledger: NoticeLedger
  templates: NoticeTemplates
  owners: OwnerSources
  deliver?: Deliver
  dryRun?: boolean
  language?: string
  onResult?: (r: NoticeResult, rendered?: RenderedNotice) => void
}

export interface NotifyRunReport {
  /** Targets with a notify state (exposed, patched, compromised). */
  targets: number
  /** Of those, the ones whose state changed since their last notice. */
  changed: number
  results: NoticeResult[]
  /** Changed targets no source knew an owner for. */
  ownerless: TargetStatus[]
  /** Claims of earlier runs that were never confirmed. */
  unconfirmed: UnconfirmedClaim[]
  contactIssues: ContactIssue[]
  /** Some owner came from the ASN data (its attribution must be shown). */
  usedAsnData: boolean
  /** The shipped AS data's package version, when the AS data was read from it. */
  asnDataVersion?: string
}

export async function runNotify(
  statuses: readonly TargetStatus[],
  opts: NotifyRunOptions,
): Promise<NotifyRunReport> {
  const unconfirmed = await opts.ledger.unconfirmed()
  const last = await opts.ledger.lastStates(statuses.map((s) => s.targetId))
  const changed = changedTargets(statuses, last)
  const { owners } = await resolveOwners(
    changed.map((t) => ({ id: t.targetId, ip: t.ip, owner: t.owner })),
    opts.owners,
  )
  const plan = planNotices(changed, owners)
  const results = await sendNotices(plan.notices, opts)
  const usedAsnData = plan.notices.some((n) => n.owner.source === 'asn')
  return {
    targets: statuses.length,
    changed: changed.length,
    results,
    ownerless: plan.ownerless,
    unconfirmed,
    contactIssues: [...(opts.owners.abuse ?? []), ...(opts.owners.prefixes ?? [])].flatMap(
      (f) => f.issues,
    ),
    usedAsnData,
    ...(usedAsnData && !opts.owners.asnDir ? { asnDataVersion: await asnDataVersion() } : {}),
  }
}
