// Scheduled task definitions (C:\Windows\System32\Tasks\**, Task Scheduler XML schema,
// learn.microsoft.com/windows/win32/taskschd/task-scheduler-schema): what each <Exec> action runs, as one
// command line per action with environment variables expanded, and the ComHandler actions by CLSID.
import { decodeXmlText } from '../../shared/xml-text.ts'

const EXEC = /<Exec\b[^>]*>([\s\S]*?)<\/Exec\s*>/gi
const COMMAND = /<Command\b[^>]*>([\s\S]*?)<\/Command\s*>/i
const ARGS = /<Arguments\b[^>]*>([\s\S]*?)<\/Arguments\s*>/i
const COM = /<ClassId\b[^>]*>([\s\S]*?)<\/ClassId\s*>/gi
const ENV: [RegExp, string][] = [
  [/%(?:programdata|allusersprofile)%/gi, 'C:\\ProgramData'],
  [/%public%/gi, 'C:\\Users\\Public'],
  [/%(?:windir|systemroot)%/gi, 'C:\\Windows'],
  [/%systemdrive%/gi, 'C:'],
  [/%(?:temp|tmp)%/gi, 'C:\\Windows\\Temp'],
]

/** Element text: references decoded outside CDATA sections, CDATA taken literally (XML 1.0 §2.7). */
function text(s: string): string {
  return s
    .split(/<!\[CDATA\[([\s\S]*?)\]\]>/)
    .map((part, i) => (i % 2 ? part : decodeXmlText(part)))
    .join('')
    .trim()
}

function expand(s: string): string {
  if (!s.includes('%')) return s
  let out = s
  for (const [re, v] of ENV) out = out.replace(re, v)
  return out
}

/** One line per action: `<command> <arguments>` for Exec, `comhandler <clsid>` for COM handlers. */
export function taskCommands(xml: string): string[] {
  const out: string[] = []
  for (const m of xml.matchAll(EXEC)) {
    const body = m[1] ?? ''
    const cmd = text(COMMAND.exec(body)?.[1] ?? '')
    const args = text(ARGS.exec(body)?.[1] ?? '')
    out.push(expand(args ? `${cmd} ${args}` : cmd))
  }
  for (const m of xml.matchAll(COM)) out.push(`comhandler ${text(m[1] ?? '')}`)
  return out
}

/** `<URI>` of the task (its name as Task Scheduler shows it), when present. */
export function taskUri(xml: string): string | undefined {
  const m = /<URI\b[^>]*>([\s\S]*?)<\/URI\s*>/i.exec(xml)
  return m ? text(m[1] ?? '') : undefined
}
