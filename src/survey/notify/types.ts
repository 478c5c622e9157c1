// What `exhunt notify` works on: each target's current state as the survey knows it, the owner it
// resolved to, and the notices planned from the difference with what was already sent.
import type { ProbeTargetResult } from '../../shared/probe.ts'
import type { Owner } from '../owner/types.ts'

/**
 * The states an owner hears about. `exposed`: Exchange answers and its build misses fixes of
 * exploited CVEs; `compromised`: a probe check or an uploaded hunt found an implant; `patched`: it
 * was exposed or compromised before and now answers with a fixed build.
 */
export type NotifyState = 'exposed' | 'patched' | 'compromised'
export const NOTIFY_STATES: readonly NotifyState[] = ['exposed', 'patched', 'compromised']

export interface TargetStatus {
  /** The survey's stable id of the target. */
  targetId: string
  /** What the owner recognises: the URL or host:port probed. */
  label: string
  ip?: string
  /** The owner as the target's own record names it (wins over every lookup). */
  owner?: { email?: string; organisation?: string; language?: string }
  state: NotifyState
  /** When the target entered this state (its first observation in it): part of the notice's key. */
  since: string
  /** The newest observation in this state. */
  lastSeen: string
  /** The newest probe result: build, missing fixes, checks. */
  probe?: ProbeTargetResult
  /** Verdict of the newest hunt report uploaded for it, when there is one. */
  huntVerdict?: string
}

/** One message: one owner, one state, every target of that owner that changed to it. */
export interface PlannedNotice {
  /** sha256 of owner, state and targets (each with its `since`), hex, 32 chars: the ledger's key. */
  key: string
  /** The owner's e-mail, else `org:<organisation>`: what groups targets into one notice. */
  ownerKey: string
  owner: Owner
  state: NotifyState
  targets: TargetStatus[]
}

/** What happened to one notice in a run. */
export type NoticeOutcome =
  | 'sent' // the SMTP server accepted it in this run
  | 'would-send' // --dry-run: it would be claimed and sent
  | 'already-sent' // the ledger has it confirmed: nothing to do
  | 'in-doubt' // claimed by an earlier run that never confirmed (a crash mid-send): reported, not re-sent
  | 'failed' // the server refused it or could not be reached before the message went out: retried next run
  | 'no-contact' // no e-mail known for the owner: exported only

export interface NoticeResult {
  notice: PlannedNotice
  outcome: NoticeOutcome
  messageId: string
  detail?: string
}
