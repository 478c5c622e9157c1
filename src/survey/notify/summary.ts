// The run as text (one block per notice) and as JSON. Scanned text was cleaned when the notice
// was built; owners' names come from contact files and are cleaned here too.
import { ASN_ATTRIBUTION } from '../owner/asn-db.ts'
import { cleanScanned } from './escape.ts'
import type { RenderedNotice } from './render.ts'
import type { NotifyRunReport } from './run.ts'
import type { NoticeResult } from './types.ts'

const LABEL: Record<NoticeResult['outcome'], string> = {
  sent: 'SENT',
  'would-send': 'WOULD SEND',
  'already-sent': 'ALREADY SENT',
  'in-doubt': 'IN DOUBT',
  failed: 'FAILED',
  'no-contact': 'NO CONTACT',
}

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ')

export function noticeBlock(r: NoticeResult, rendered?: RenderedNotice, body = false): string {
  const n = r.notice
  const o = n.owner
  const found =
    o.source === 'target' ? 'target record' : `${o.source} ${cleanScanned(o.matched, 60)}`
  const who = [o.organisation && cleanScanned(o.organisation, 80), found].filter(Boolean).join('; ')
  const lines = [
    `${LABEL[r.outcome].padEnd(12)} ${n.state.padEnd(11)} ${o.email ?? n.ownerKey} (${who}) · ${n.targets.length} server${n.targets.length === 1 ? '' : 's'}${rendered ? ` · ${rendered.language}` : ''}`,
  ]
  const pad = ' '.repeat(13)
  if (rendered) lines.push(`${pad}Subject: ${rendered.subject}`)
  lines.push(`${pad}Message-ID: ${r.messageId}`)
  for (const t of n.targets) {
    const p = t.probe
    const build = p?.build
      ? `${p.build.build}${p.build.versionName ? ` ${p.build.versionName}` : ''}`
      : 'build unknown'
    const missing = p?.missing.length
      ? `, ${p.missing.length} missing (${p.missing.filter((m) => m.exploitedInWild).length} exploited)`
      : ''
    lines.push(
      `${pad}${cleanScanned(t.label, 100)}  ${cleanScanned(build, 60)}${missing}, since ${day(t.since)}`,
    )
  }
  if (r.detail) lines.push(`${pad}${r.detail}`)
  if (body && rendered) {
    lines.push(`${pad}${'-'.repeat(60)}`)
    for (const l of rendered.text.trimEnd().split('\n')) lines.push(`${pad}${l}`)
    lines.push(`${pad}${'-'.repeat(60)}`)
  }
  return `${lines.join('\n')}\n`
}

export function runSummary(report: NotifyRunReport, dryRun: boolean): string {
  const out: string[] = []
  for (const c of report.unconfirmed)
    out.push(
      `IN DOUBT     ${c.state.padEnd(11)} ${c.recipient} · ${c.targets.length} target(s) · claimed ${c.claimedAt}${c.claimedBy ? ` by ${c.claimedBy}` : ''}\n` +
        `             notice ${c.key ?? '?'}: claimed by an earlier run and never confirmed; not sent again.\n` +
        `             Check with the owner, then: exhunt notify --settle ${c.key ?? 'KEY'} sent|resend\n`,
    )
  for (const t of report.ownerless)
    out.push(
      `NO OWNER     ${t.state.padEnd(11)} ${cleanScanned(t.label, 100)}${t.ip ? ` (${t.ip})` : ''}: no record, contact file or AS data names one\n`,
    )
  const count = (o: NoticeResult['outcome']) => report.results.filter((r) => r.outcome === o).length
  const parts = dryRun
    ? [`${count('would-send')} would be sent`, `${count('no-contact')} without an e-mail`]
    : [
        `${count('sent')} sent`,
        `${count('already-sent')} already sent`,
        `${count('in-doubt') + report.unconfirmed.length} in doubt`,
        `${count('failed')} failed`,
        `${count('no-contact')} without an e-mail`,
      ]
  out.push(
    `${report.results.length} notice(s) for ${report.changed} changed of ${report.targets} target(s) with a state: ${parts.join(', ')}\n`,
  )
  if (report.usedAsnData)
    out.push(
      `${ASN_ATTRIBUTION}${report.asnDataVersion ? ` (@ip-location-db/asn ${report.asnDataVersion})` : ''}\n`,
    )
  return out.join('')
}

export function runJson(report: NotifyRunReport, rendered: Map<string, RenderedNotice>): object {
  return {
    schema: 'exhunt.notify/1',
    targets: report.targets,
    changed: report.changed,
    notices: report.results.map((r) => ({
      key: r.notice.key,
      messageId: r.messageId,
      outcome: r.outcome,
      detail: r.detail,
      state: r.notice.state,
      owner: r.notice.owner,
      targets: r.notice.targets.map((t) => ({
        id: t.targetId,
        label: t.label,
        ip: t.ip,
        since: t.since,
        lastSeen: t.lastSeen,
        build: t.probe?.build?.build,
        missing: t.probe?.missing.map((m) => m.cve) ?? [],
      })),
      subject: rendered.get(r.notice.key)?.subject,
      language: rendered.get(r.notice.key)?.language,
    })),
    unconfirmed: report.unconfirmed,
    ownerless: report.ownerless.map((t) => ({
      id: t.targetId,
      label: t.label,
      ip: t.ip,
      state: t.state,
    })),
    contactIssues: report.contactIssues,
    ...(report.usedAsnData
      ? { attribution: ASN_ATTRIBUTION, asnDataVersion: report.asnDataVersion }
      : {}),
  }
}
