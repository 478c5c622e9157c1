// Flattens the parts of an IIS config an attacker changes to run code into one line per entry, so content
// rules can match them with one regex: native modules (<globalModules>, where the IIS backdoors ESET
// described are registered: "Anatomy of native IIS malware", 2021), managed modules (<modules>,
// <httpModules>), handler mappings (<handlers>, <httpHandlers>) and the handlers' accessPolicy.
// Format: `<kind>\t<attr>=<value>\t...`, values lowercased with environment variables expanded. The XML
// is read once by shared/xml.ts (references decoded, comments and CDATA skipped as IIS's reader does).
import { localName, walkXml, type XmlDocument } from '../../shared/xml.ts'
import { normalisePath } from './location.ts'

const CONTAINERS: Record<string, string> = {
  globalmodules: 'globalmodule',
  modules: 'module',
  httpmodules: 'module',
  handlers: 'handler',
  httphandlers: 'handler',
}
const KEEP = ['name', 'path', 'verb', 'type', 'modules', 'scriptprocessor', 'image', 'precondition']

function attrs(raw: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(raw)) {
    const k = key.toLowerCase()
    let v = value.toLowerCase()
    if (k === 'image' || k === 'scriptprocessor') v = normalisePath(v).replace(/\//g, '\\')
    out.set(k, v)
  }
  return out
}

export function configEntries(doc: XmlDocument): string[] {
  const out: string[] = []
  walkXml(doc.roots, (el, ancestors) => {
    const name = localName(el)
    const parent = ancestors[ancestors.length - 1]
    const kind = parent ? CONTAINERS[localName(parent)] : undefined
    if (name !== 'handlers' && !(kind && name === 'add')) return
    const a = attrs(el.attrs)
    if (name === 'handlers' && a.has('accesspolicy'))
      out.push(`access\tpolicy=${a.get('accesspolicy')}`)
    if (kind && name === 'add') {
      const parts = [kind]
      for (const k of KEEP) if (a.has(k)) parts.push(`${k}=${a.get(k)}`)
      out.push(parts.join('\t'))
    }
  })
  return out
}
