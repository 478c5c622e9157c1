// `exhunt notify`: each owner one e-mail per state change of their servers, from the survey store
// (embedded PGlite in --data, or PostgreSQL through DATABASE_URL). Exit codes: 0 every notice went
// out (or would, with --dry-run), 1 a notice is in doubt or failed (a person must look), 2 the run
// could not be made (usage, store, templates, SMTP settings).
import { hostname } from 'node:os'
import { isExhuntError } from '../shared/errors.ts'
import { audit, cliActor } from '../store/audit.ts'
import { openStore } from '../store/open.ts'
import { type ExportFormat, exportDeliver } from '../survey/notify/export.ts'
import type { RenderedNotice } from '../survey/notify/render.ts'
import { runNotify } from '../survey/notify/run.ts'
import type { Deliver } from '../survey/notify/send.ts'
import { smtpDeliver } from '../survey/notify/smtp.ts'
import { targetStatuses } from '../survey/notify/statuses.ts'
import { settleNotice, storeLedger } from '../survey/notify/store-ledger.ts'
import { noticeBlock, runJson, runSummary } from '../survey/notify/summary.ts'
import { loadNoticeTemplates } from '../survey/notify/templates.ts'
import { readContactFile } from '../survey/owner/contact-file.ts'
import { normaliseEmail } from '../survey/owner/email.ts'
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS } from './exit-codes.ts'
import { say } from './say.ts'
import { type StoreFlags, storeOptions } from './survey-command.ts'

export interface NotifyFlags extends StoreFlags {
  dryRun?: boolean
  export?: string[]
  smtp?: string
  from?: string
  certName: string
  certUrl?: string
  uploadUrl?: string
  lang: string
  abuseCsv: string[]
  prefixes: string[]
  asnDb?: string
  asn: boolean
  body?: boolean
  json?: boolean
  settle?: string
  as?: string
}

const message = (e: unknown) =>
  isExhuntError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e)

function usage(text: string): number {
  say(text)
  return EXIT_ERROR
}

export async function runNotifyCommand(o: NotifyFlags): Promise<number> {
  if (o.settle !== undefined) return settle(o)
  const from = normaliseEmail(o.from ?? process.env.EXHUNT_NOTIFY_FROM)
  if (!from)
    return usage('--from ADDR (the CERT address notices come from and owners reply to) is required')
  let exportTo: { format: ExportFormat; dir: string } | undefined
  if (o.export) {
    const [format, dir] = o.export
    if (o.export.length !== 2 || (format !== 'csv' && format !== 'xarf') || !dir)
      return usage('--export takes a format (csv or xarf) and a folder: --export xarf out/')
    exportTo = { format, dir }
  }
  const smtpUrl = o.smtp ?? process.env.EXHUNT_SMTP
  if (exportTo && smtpUrl && !o.dryRun)
    return usage('either --smtp or --export, not both in one run')
  if (!exportTo && !smtpUrl && !o.dryRun)
    return usage(
      'nothing to send with: give --smtp URL (or $EXHUNT_SMTP), --export FORMAT DIR, or --dry-run',
    )
  const cert = { name: o.certName, email: from, url: o.certUrl }
  let templates: ReturnType<typeof loadNoticeTemplates>
  try {
    templates = loadNoticeTemplates()
  } catch (e) {
    return usage(message(e))
  }
  const contact = {
    abuse: o.abuseCsv.map(readContactFile),
    prefixes: o.prefixes.map(readContactFile),
  }
  for (const f of [...contact.abuse, ...contact.prefixes])
    if (f.issues.some((i) => i.line === 0 || /header/.test(i.message)))
      return usage(f.issues.map((i) => `${f.file}: ${i.message}`).join('; '))

  let deliver: (Deliver & { close?(): void }) | undefined
  if (exportTo) deliver = exportDeliver(exportTo.format, exportTo.dir, cert, o.dryRun)
  else if (smtpUrl && !o.dryRun) deliver = smtpDeliver(smtpUrl, from)

  let store: Awaited<ReturnType<typeof openStore>>
  try {
    store = await openStore(storeOptions(o, { poolSize: 2 }))
  } catch (e) {
    return usage(message(e))
  }
  const rendered = new Map<string, RenderedNotice>()
  try {
    const claimedBy = `notify ${cliActor()} pid ${process.pid}@${hostname()}`
    const report = await runNotify(await targetStatuses(store.pool), {
      ledger: storeLedger(store.pool, claimedBy),
      templates,
      owners: { ...contact, asnDir: o.asn === false ? false : o.asnDb },
      deliver,
      dryRun: o.dryRun,
      language: o.lang,
      cert,
      uploadUrl: o.uploadUrl,
      onResult(r, text) {
        if (text) rendered.set(r.notice.key, text)
        if (!o.json) process.stdout.write(noticeBlock(r, text, o.body))
      },
    })
    for (const i of report.contactIssues) say(`${i.file}:${i.line}: ${i.message}`)
    if (o.json) process.stdout.write(`${JSON.stringify(runJson(report, rendered), null, 2)}\n`)
    else process.stdout.write(runSummary(report, !!o.dryRun))
    const sent = report.results.filter((r) => r.outcome === 'sent')
    if (sent.length > 0)
      await audit(store.pool, cliActor(), exportTo ? 'notify.export' : 'notify.send', null, {
        notices: sent.map((r) => ({
          key: r.notice.key,
          state: r.notice.state,
          to: r.notice.owner.email ?? r.notice.ownerKey,
        })),
      })
    const trouble =
      report.unconfirmed.length > 0 ||
      report.results.some((r) => r.outcome === 'in-doubt' || r.outcome === 'failed')
    return trouble ? EXIT_FINDINGS : EXIT_CLEAN
  } catch (e) {
    say(message(e))
    return EXIT_ERROR
  } finally {
    deliver?.close?.()
    await store.close()
  }
}

async function settle(o: NotifyFlags): Promise<number> {
  const key = o.settle ?? ''
  if (!/^[0-9a-f]{32}$/.test(key))
    return usage('--settle takes the 32-hex-digit notice key a run reported')
  if (o.as !== 'sent' && o.as !== 'resend')
    return usage(
      '--settle KEY needs --as sent (the owner has it) or --as resend (send it again next run)',
    )
  const store = await openStore(storeOptions(o, { poolSize: 1 }))
  try {
    const n = await settleNotice(store.pool, key, o.as)
    if (n === 0) return usage(`no notice ${key} is in doubt`)
    await audit(store.pool, cliActor(), `notify.settle.${o.as}`, key, { rows: n })
    process.stdout.write(
      `notice ${key}: ${n} row(s) marked ${o.as === 'sent' ? 'sent' : 'for resending'}\n`,
    )
    return EXIT_CLEAN
  } finally {
    await store.close()
  }
}
