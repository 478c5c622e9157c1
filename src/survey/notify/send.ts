// The run: for each planned notice, claim it in the ledger, send it, confirm it. The order is what
// makes "never twice" hold across crashes: a claim is written before the first byte goes to the
// SMTP server, so a run that dies mid-send leaves a claim without a confirmation, which every later
// run reports as in doubt and never sends on its own (the owner may or may not have it; a person
// decides). A send that certainly did not happen (the server refused it, or no connection was made)
// releases the claim so the next run tries again.
import { headerText } from './escape.ts'
import type { NoticeLedger } from './ledger.ts'
import { type RenderedNotice, renderNotice } from './render.ts'
import type { NoticeTemplates } from './templates.ts'
import type { NoticeResult, PlannedNotice } from './types.ts'
import type { ViewOptions } from './view.ts'

export interface SendOptions extends ViewOptions {
  templates: NoticeTemplates
  ledger: NoticeLedger
  /** Hands one rendered notice over (SMTP, or an export folder); absent with dryRun. */
  deliver?: Deliver
  dryRun?: boolean
  language?: string
  /** Called after each notice (progress, logging). */
  onResult?: (r: NoticeResult, rendered?: RenderedNotice) => void
}

/** `<key@domain-of-from>`: the same notice always has the same Message-ID. */
export function messageIdOf(n: PlannedNotice, from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1) || 'exhunt.invalid'
  return `<${n.key}@${domain}>`
}

/**
 * True when the error proves the message was not accepted: the server answered with an error code,
 * or the failure came before the message data was handed over. A timeout or a dropped connection
 * after DATA leaves it in doubt (the server may have queued it).
 */
export function certainlyNotSent(err: unknown): boolean {
  const e = err as { responseCode?: unknown; code?: unknown; command?: unknown }
  if (typeof e?.responseCode === 'number' && e.responseCode >= 400) return true
  if (e?.code === 'ECONNECTION' || e?.code === 'EDNS' || e?.code === 'EAUTH' || e?.code === 'ETLS')
    return true
  if (e?.code === 'EENVELOPE' || e?.code === 'EMESSAGE' || e?.code === 'EREQUIREAUTH') return true
  return e?.command === 'CONN'
}

/**
 * Sends or writes one notice; resolves with what the other side said. `to` is the owner's e-mail, or
 * the owner key when the deliverer takes owners without one (an export the CERT forwards itself).
 */
export interface Deliver {
  needsEmail: boolean
  /** Writes only local files (an export): a dry run still writes them, as a preview. */
  preview?: boolean
  send(n: PlannedNotice, rendered: RenderedNotice, messageId: string, to: string): Promise<string>
}

export async function sendNotices(
  notices: readonly PlannedNotice[],
  opts: SendOptions,
): Promise<NoticeResult[]> {
  const results: NoticeResult[] = []
  const done = (r: NoticeResult, rendered?: RenderedNotice) => {
    results.push(r)
    opts.onResult?.(r, rendered)
  }
  for (const notice of notices) {
    const messageId = messageIdOf(notice, opts.cert.email)
    const to =
      notice.owner.email ?? (opts.deliver?.needsEmail === false ? notice.ownerKey : undefined)
    if (!to) {
      done({ notice, outcome: 'no-contact', messageId, detail: 'no e-mail known for this owner' })
      continue
    }
    const rendered = renderNotice(notice, opts.templates, opts)
    if (opts.dryRun) {
      if (opts.deliver?.preview) await opts.deliver.send(notice, rendered, messageId, to)
      done({ notice, outcome: 'would-send', messageId }, rendered)
      continue
    }
    const claim = await opts.ledger.claim(notice, to, messageId)
    if (!claim.claimed) {
      done({
        notice,
        outcome: claim.status === 'sent' ? 'already-sent' : 'in-doubt',
        messageId,
        detail:
          claim.status === 'in-doubt'
            ? 'claimed by an earlier run that never confirmed it'
            : undefined,
      })
      continue
    }
    let response: string
    try {
      if (!opts.deliver) throw new Error('nothing to deliver with')
      response = await opts.deliver.send(notice, rendered, messageId, to)
    } catch (err) {
      const detail = headerText((err as Error)?.message ?? String(err), 300)
      if (certainlyNotSent(err)) {
        await opts.ledger.release(notice, to, detail)
        done({ notice, outcome: 'failed', messageId, detail }, rendered)
      } else done({ notice, outcome: 'in-doubt', messageId, detail }, rendered)
      continue
    }
    try {
      await opts.ledger.confirm(notice, to)
    } catch (err) {
      // Sent, but the store did not take the confirmation: the claim stays, so it is reported, not resent.
      const why = headerText((err as Error)?.message ?? String(err), 200)
      done(
        {
          notice,
          outcome: 'in-doubt',
          messageId,
          detail: `sent (${response}) but not confirmed: ${why}`,
        },
        rendered,
      )
      continue
    }
    done({ notice, outcome: 'sent', messageId, detail: response }, rendered)
  }
  return results
}
