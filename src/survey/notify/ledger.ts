// What the sender needs from the database: claim before sending, confirm after, and the states
// already announced. Implemented on the store's notifications table (store-ledger.ts); the sender
// never keeps any of it in memory between runs.
import type { NotifyState, PlannedNotice } from './types.ts'

export type ClaimResult =
  | { claimed: true }
  /** Not claimed: the notice was already sent, or an earlier claim was never confirmed. */
  | { claimed: false; status: 'sent' | 'in-doubt' }

/** A claim that was never confirmed: the run that made it died, or is still sending. */
export interface UnconfirmedClaim {
  /** The notice key (Message-ID hash) when the claim recorded one. */
  key?: string
  targets: string[]
  state: string
  recipient: string
  claimedAt: string
  claimedBy?: string
}

export interface NoticeLedger {
  /** The state each target was last announced in (sent, or claimed and in doubt). */
  lastStates(targetIds: readonly string[]): Promise<Map<string, NotifyState>>
  /** Claims the notice for every one of its targets at once, or not at all. */
  claim(n: PlannedNotice, recipient: string, messageId: string): Promise<ClaimResult>
  confirm(n: PlannedNotice, recipient: string): Promise<void>
  /** The message certainly did not go out (refused, or no connection): the claim is released for a later run. */
  release(n: PlannedNotice, recipient: string, error: string): Promise<void>
  /** Every claim never confirmed: reported on each run until a person settles it. */
  unconfirmed(): Promise<UnconfirmedClaim[]>
}
