// The notice templates' language, small on purpose (content authors write it, scanned data fills it):
//   {{name}}  {{a.b}}  {{.}}      a value, escaped for the output (HTML-escaped in .html templates)
//   {{#name}} … {{/name}}         a list: once per item; any other truthy value: once
//   {{^name}} … {{/name}}         when the value is missing, false, 0, '' or an empty list
// No raw-output form exists, so no template can put unescaped scanned text into HTML.
import { ExhuntError } from '../../shared/errors.ts'

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'var'; path: string }
  | { kind: 'section' | 'inverted'; path: string; children: Node[] }

export interface Template {
  nodes: Node[]
}

const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z0-9_.]+)\s*\}\}/g

// A line that holds only section tags is not output (as in Mustache): the tags stay, the line goes.
const STANDALONE = /^[ \t]*((?:\{\{\s*[#^/]\s*[A-Za-z0-9_.]+\s*\}\}[ \t]*)+)\r?\n/gm

export function parseTemplate(source: string, file: string): Template {
  const text = source.replace(STANDALONE, (_, tags: string) => tags.replace(/[ \t]+/g, ''))
  const root: Node[] = []
  const stack: { path: string; children: Node[] }[] = [{ path: '', children: root }]
  let last = 0
  for (const m of text.matchAll(TAG)) {
    const top = stack[stack.length - 1]!
    if (m.index > last) top.children.push({ kind: 'text', text: text.slice(last, m.index) })
    last = m.index + m[0].length
    const [, sigil, path] = m as unknown as [string, string, string]
    if (sigil === '') top.children.push({ kind: 'var', path })
    else if (sigil === '/') {
      if (stack.length === 1 || top.path !== path)
        throw new ExhuntError('EXH_ERR_TEMPLATE', `${file}: {{/${path}}} closes nothing open`)
      stack.pop()
    } else {
      const node: Node = { kind: sigil === '#' ? 'section' : 'inverted', path, children: [] }
      top.children.push(node)
      stack.push({ path, children: node.children })
    }
  }
  if (stack.length > 1)
    throw new ExhuntError(
      'EXH_ERR_TEMPLATE',
      `${file}: {{#${stack[stack.length - 1]!.path}}} is never closed`,
    )
  // `{{{raw}}}` (Mustache's unescaped form) does not exist here: refused, not read as `{{raw}}`.
  if (/\{\{|\}\}/.test(text.replace(TAG, '')) || /\{\{\{|\}\}\}/.test(text))
    throw new ExhuntError('EXH_ERR_TEMPLATE', `${file}: a {{ … }} that is not a tag`)
  if (last < text.length) root.push({ kind: 'text', text: text.slice(last) })
  return { nodes: root }
}

function lookup(stack: readonly unknown[], path: string): unknown {
  if (path === '.') return stack[stack.length - 1]
  const parts = path.split('.')
  for (let i = stack.length - 1; i >= 0; i--) {
    const scope = stack[i]
    if (scope !== null && typeof scope === 'object' && parts[0]! in scope) {
      let v: unknown = scope
      for (const p of parts)
        v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined
      return v
    }
  }
  return undefined
}

const falsy = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === false ||
  v === 0 ||
  v === '' ||
  (Array.isArray(v) && v.length === 0)

export function renderTemplate(
  t: Template,
  view: object,
  escapeValue: (s: string) => string,
): string {
  const out: string[] = []
  const walk = (nodes: Node[], stack: unknown[]) => {
    for (const n of nodes) {
      if (n.kind === 'text') out.push(n.text)
      else if (n.kind === 'var') {
        const v = lookup(stack, n.path)
        if (v !== undefined && v !== null && typeof v !== 'object') out.push(escapeValue(String(v)))
      } else {
        const v = lookup(stack, n.path)
        if (n.kind === 'inverted') {
          if (falsy(v)) walk(n.children, stack)
        } else if (Array.isArray(v)) for (const item of v) walk(n.children, [...stack, item])
        else if (!falsy(v)) walk(n.children, [...stack, v])
      }
    }
  }
  walk(t.nodes, [view])
  return out.join('')
}
