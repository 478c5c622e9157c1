// Loads content/notify/<lang>/: notice.yml (subjects per state), message.txt and message.html. Every
// language is checked whole at load (all three files, a subject for every state, templates that
// parse), so a broken translation fails `exhunt notify` before anything is claimed or sent.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { contentRoot } from '../../content/root.ts'
import { ExhuntError } from '../../shared/errors.ts'
import { parseTemplate, type Template } from './template.ts'
import { NOTIFY_STATES, type NotifyState } from './types.ts'

export interface LanguageTemplates {
  language: string
  /** The language's own name, from notice.yml. */
  name: string
  subject: Record<NotifyState, Template>
  text: Template
  html: Template
}

export type NoticeTemplates = Map<string, LanguageTemplates>

export function notifyContentDir(): string {
  return join(contentRoot(), 'notify')
}

function loadLanguage(dir: string, language: string): LanguageTemplates {
  const file = (name: string) => {
    const p = join(dir, name)
    if (!existsSync(p))
      throw new ExhuntError('EXH_ERR_TEMPLATE', `notify/${language}/${name} is missing`)
    return readFileSync(p, 'utf8')
  }
  const meta = parseYaml(file('notice.yml')) as {
    language?: unknown
    subject?: Record<string, unknown>
  }
  const subject = {} as Record<NotifyState, Template>
  for (const state of NOTIFY_STATES) {
    const s = meta?.subject?.[state]
    if (typeof s !== 'string')
      throw new ExhuntError(
        'EXH_ERR_TEMPLATE',
        `notify/${language}/notice.yml has no subject.${state}`,
      )
    subject[state] = parseTemplate(s, `notify/${language}/notice.yml subject.${state}`)
  }
  return {
    language,
    name: typeof meta.language === 'string' ? meta.language : language,
    subject,
    text: parseTemplate(file('message.txt'), `notify/${language}/message.txt`),
    html: parseTemplate(file('message.html'), `notify/${language}/message.html`),
  }
}

export function loadNoticeTemplates(dir = notifyContentDir()): NoticeTemplates {
  const out: NoticeTemplates = new Map()
  for (const name of readdirSync(dir).sort()) {
    if (!/^[a-z]{2,3}$/.test(name) || !statSync(join(dir, name)).isDirectory()) continue
    out.set(name, loadLanguage(join(dir, name), name))
  }
  if (!out.has('en'))
    throw new ExhuntError('EXH_ERR_TEMPLATE', `no English notice templates in ${dir}`)
  return out
}
