// SMTP delivery through nodemailer. The transport comes from a URL (smtp://host:port,
// smtps://user:pass@host) as nodemailer reads it; every message carries its deterministic Message-ID.
import nodemailer from 'nodemailer'
import { headerText } from './escape.ts'
import type { RenderedNotice } from './render.ts'
import type { Deliver } from './send.ts'
import type { PlannedNotice } from './types.ts'

export function smtpDeliver(url: string, from: string): Deliver & { close(): void } {
  const transport = nodemailer.createTransport(url)
  return {
    needsEmail: true,
    async send(n: PlannedNotice, r: RenderedNotice, messageId: string, to: string) {
      const info = await transport.sendMail({
        from,
        to,
        subject: r.subject,
        text: r.text,
        html: r.html,
        messageId,
        headers: {
          'X-Exhunt-Notice': n.key,
          'X-Exhunt-State': n.state,
          'Auto-Submitted': 'auto-generated',
          'Content-Language': r.language,
        },
        // Content comes from scanned data: nodemailer must never read a path or URL named in it.
        disableFileAccess: true,
        disableUrlAccess: true,
      })
      return headerText(String(info.response ?? 'accepted'))
    },
    close: () => transport.close(),
  }
}
