// Flattens the parts of an IIS config an attacker changes to run code into one line per entry, so content
// rules can match them with one regex: native modules (<globalModules>, where the IIS backdoors ESET
// described are registered: "Anatomy of native IIS malware", 2021), managed modules (<modules>,
// <httpModules>), handler mappings (<handlers>, <httpHandlers>) and the handlers' accessPolicy.
// Format: `<kind>\t<attr>=<value>\t...`, values lowercased with environment variables expanded.
import { decodeXmlText, stripXmlNonMarkup } from '../../shared/xml-text.ts'
import { normalisePath } from './location.ts'

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g
const CONTAINERS: Record<string, string> = {
  globalmodules: 'globalmodule',
  modules: 'module',
  httpmodules: 'module',
  handlers: 'handler',
  httphandlers: 'handler',
}
const KEEP = ['name', 'path', 'verb', 'type', 'modules', 'scriptprocessor', 'image', 'precondition']

function attrs(src: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of src.matchAll(ATTR)) {
    const k = m[1]!.toLowerCase()
    let v = decodeXmlText(m[2] ?? m[3] ?? '').toLowerCase()
    if (k === 'image' || k === 'scriptprocessor') v = normalisePath(v).replace(/\//g, '\\')
    out.set(k, v)
  }
  return out
}

export function configEntries(xml: string): string[] {
  const text = stripXmlNonMarkup(xml)
  const out: string[] = []
  const stack: string[] = []
  for (const m of text.matchAll(TAG)) {
    const [, close, rawName, attrSrc, selfClose] = m
    const name = rawName!.toLowerCase()
    if (close) {
      const i = stack.lastIndexOf(name)
      if (i >= 0) stack.length = i
      continue
    }
    const a = attrs(attrSrc ?? '')
    const parent = stack[stack.length - 1]
    if (name === 'handlers' && a.has('accesspolicy'))
      out.push(`access\tpolicy=${a.get('accesspolicy')}`)
    const kind = parent ? CONTAINERS[parent] : undefined
    if (kind && name === 'add') {
      const parts = [kind]
      for (const k of KEEP) if (a.has(k)) parts.push(`${k}=${a.get(k)}`)
      out.push(parts.join('\t'))
    }
    if (!selfClose) stack.push(name)
  }
  return out
}
