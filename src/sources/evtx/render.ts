// A record as XML, the way Event Viewer and the reference parsers print it (two-space indent,
// attributes in stored order, an optional substitution that is null drops its attribute).
import type { Value } from './binxml.ts'
import type { RawRecord } from './chunk.ts'
import { attrValue, beginWalk, children, type Item, resolve } from './resolve.ts'
import { valueText } from './values.ts'

const escText = (s: string) =>
  s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
const escAttr = (s: string) => escText(s).replace(/"/g, '&quot;')

function renderItems(items: readonly Item[], indent: string, out: string[]): void {
  for (const it of items) {
    if ('e' in it) {
      let open = `${indent}<${it.e.name}`
      for (const a of it.e.attrs) {
        const v = attrValue(a, it.vals as readonly Value[])
        if (v !== undefined) open += ` ${a.name}="${escAttr(valueText(v))}"`
      }
      const kids = children(it)
      if (kids.length === 0) {
        out.push(`${open}/>`)
        continue
      }
      if (kids.every((k) => !('e' in k) && !('p' in k))) {
        let text = ''
        for (const k of kids)
          text += 'v' in k ? escText(valueText(k.v)) : 'c' in k ? `<![CDATA[${k.c.text}]]>` : ''
        out.push(text === '' ? `${open}/>` : `${open}>${text}</${it.e.name}>`)
        continue
      }
      out.push(`${open}>`)
      renderItems(kids, `${indent}  `, out)
      out.push(`${indent}</${it.e.name}>`)
    } else if ('v' in it) {
      const t = valueText(it.v)
      if (t !== '') out.push(indent + escText(t))
    } else if ('c' in it) out.push(`${indent}<![CDATA[${it.c.text}]]>`)
    else out.push(`${indent}<?${it.p.target} ${it.p.data}?>`)
  }
}

export function renderXml(raw: RawRecord): string {
  const out: string[] = []
  beginWalk()
  renderItems(resolve(raw.nodes, []), '', out)
  return out.join('\n')
}
