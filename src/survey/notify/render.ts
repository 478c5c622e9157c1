// One notice → subject, plain text and HTML in the owner's language (else the default language).
import { escapeHtml, headerText } from './escape.ts'
import { renderTemplate } from './template.ts'
import type { NoticeTemplates } from './templates.ts'
import type { PlannedNotice } from './types.ts'
import { noticeView, type ViewOptions } from './view.ts'

export interface RenderedNotice {
  language: string
  subject: string
  text: string
  html: string
}

const same = (s: string) => s

/** Blank lines left by sections that rendered nothing are folded to one. */
const tidy = (s: string) =>
  `${s
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`

export function renderNotice(
  n: PlannedNotice,
  templates: NoticeTemplates,
  opts: ViewOptions & { language?: string },
): RenderedNotice {
  const wanted = n.owner.language ?? opts.language ?? 'en'
  const t = templates.get(wanted) ?? templates.get(opts.language ?? 'en') ?? templates.get('en')!
  const view = noticeView(n, opts)
  return {
    language: t.language,
    subject: headerText(renderTemplate(t.subject[n.state], view, same), 250),
    text: tidy(renderTemplate(t.text, view, same)),
    html: tidy(renderTemplate(t.html, view, escapeHtml)),
  }
}
