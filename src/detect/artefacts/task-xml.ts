// Scheduled task definitions (C:\Windows\System32\Tasks\**, Task Scheduler XML schema,
// learn.microsoft.com/windows/win32/taskschd/task-scheduler-schema): what each <Exec> action runs, as one
// command line per action with environment variables expanded, and the ComHandler actions by CLSID. The
// XML is read once by shared/xml.ts (references, CDATA, comments as Task Scheduler reads them).
import { findXml, localName, walkXml, type XmlDocument, type XmlElement } from '../../shared/xml.ts'

const ENV: [RegExp, string][] = [
  [/%(?:programdata|allusersprofile)%/gi, 'C:\\ProgramData'],
  [/%public%/gi, 'C:\\Users\\Public'],
  [/%(?:windir|systemroot)%/gi, 'C:\\Windows'],
  [/%systemdrive%/gi, 'C:'],
  [/%(?:temp|tmp)%/gi, 'C:\\Windows\\Temp'],
]

function expand(s: string): string {
  if (!s.includes('%')) return s
  let out = s
  for (const [re, v] of ENV) out = out.replace(re, v)
  return out
}

/** The text of the first `local` element under `el` (Command, Arguments), trimmed as Task Scheduler does. */
function textOf(el: XmlElement, local: string): string {
  return findXml(el.children, local)?.text.trim() ?? ''
}

/** One line per action: `<command> <arguments>` for Exec, `comhandler <clsid>` for COM handlers. */
export function taskCommands(doc: XmlDocument): string[] {
  const exec: string[] = []
  const com: string[] = []
  walkXml(doc.roots, (el) => {
    const name = localName(el)
    if (name === 'exec') {
      const cmd = textOf(el, 'command')
      const args = textOf(el, 'arguments')
      exec.push(expand(args ? `${cmd} ${args}` : cmd))
    } else if (name === 'classid') com.push(`comhandler ${el.text.trim()}`)
  })
  return [...exec, ...com]
}

/** `<URI>` of the task (its name as Task Scheduler shows it), when present. */
export function taskUri(doc: XmlDocument): string | undefined {
  return findXml(doc.roots, 'uri')?.text.trim()
}
