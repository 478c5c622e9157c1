// The one XML grammar of exhunt, as IIS's configuration system and Task Scheduler read their files: a
// DOM-light tree of elements, attributes and character data. Character and entity references are decoded
// (XML 1.0 §4.1, §4.6: `&#80;` and `&#x50;` are "P", the five predefined entities), CDATA is taken
// literally, comments, processing instructions and the DOCTYPE are skipped, in document order, so markup
// hidden in one is not read and markup after one is. Tolerant, not validating: a damaged file still
// yields what it can, and every place a strict reader would have stopped is listed in `errors`. Pure
// (text in, tree out): sources/xml/ turns bytes into text, detect/artefacts reads the tree.

export interface XmlElement {
  /** As written, prefix included (`t:Exec`); `localName` compares names as the scanners need. */
  name: string
  /** Values decoded, with tabs and line breaks as spaces (XML 1.0 §3.3.3); the last of a repeated name. */
  attrs: Record<string, string>
  children: XmlElement[]
  /** The element's own character data (not its children's): references decoded, CDATA literal. */
  text: string
}

export interface XmlDocument {
  /** Top-level elements: one in a well-formed file, more (or none) in a damaged one. */
  roots: XmlElement[]
  /** Where a strict reader would have refused the file (at most MAX_ERRORS, then a count). */
  errors: string[]
}

/** Bounds for hostile input: the caller already caps the text (8 MiB for tasks and configs). */
export const XML_LIMITS = { elements: 500_000, errors: 20 }

const REF = /&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Decodes `&#NN;`, `&#xHH;` and the five predefined entities; anything else is left as it is. */
export function decodeXmlText(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(REF, (whole, e: string) => {
    const k = e.toLowerCase()
    const named = NAMED[k]
    if (named !== undefined) return named
    const n = k.startsWith('#x') ? Number.parseInt(k.slice(2), 16) : Number.parseInt(k.slice(1), 10)
    // A reference to no character is a parse error for IIS; keep the text rather than invent one.
    return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole
  })
}

// Names: anything up to white space or markup, so a non-ASCII or odd name is still an element. A value
// holds no `<` (XML 1.0 §3.1): a tag with one is refused as IIS refuses it, and no match spans two tags.
const START =
  /<([^\s!?/<>="'][^\s/<>="']*)((?:\s+[^\s=/<>"']+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y
const END = /<\/([^\s/<>="']+)\s*>/y
const ATTR = /([^\s=/<>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

function attributes(src: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!src) return out
  for (const m of src.matchAll(ATTR))
    out[m[1] as string] = decodeXmlText((m[2] ?? m[3] ?? '').replace(/[\t\n]/g, ' '))
  return out
}

/** End of a `<!DOCTYPE ...>` (or other `<!` declaration), past an internal subset in brackets; -1 if none. */
function declarationEnd(text: string, from: number): number {
  let depth = 0
  for (let i = from + 2; i < text.length; i++) {
    const c = text[i]
    if (c === '[') depth++
    else if (c === ']') depth = Math.max(0, depth - 1)
    else if (c === '>' && depth === 0) return i + 1
  }
  return -1
}

export function parseXml(input: string, limits = XML_LIMITS): XmlDocument {
  // A BOM is not text, and every line break reads as one LF (XML 1.0 §2.11).
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const doc: XmlDocument = { roots: [], errors: [] }
  let dropped = 0
  const error = (m: string) => {
    if (doc.errors.length < limits.errors) doc.errors.push(m)
    else dropped++
  }
  if (text.includes('\u0000')) error('NUL characters: not XML text')
  const stack: XmlElement[] = []
  let elements = 0
  let strayText = false
  const addText = (s: string) => {
    const top = stack[stack.length - 1]
    if (top) top.text += s
    else if (!strayText && s.trim()) {
      strayText = true
      error('text outside the root element')
    }
  }
  let i = 0
  while (i < text.length) {
    const lt = text.indexOf('<', i)
    const stop = lt < 0 ? text.length : lt
    if (stop > i) addText(decodeXmlText(text.slice(i, stop)))
    if (lt < 0) break
    if (text.startsWith('<!--', lt)) {
      const e = text.indexOf('-->', lt + 4)
      if (e < 0) {
        error('comment not closed before the end of the file')
        break
      }
      i = e + 3
    } else if (text.startsWith('<![CDATA[', lt)) {
      const e = text.indexOf(']]>', lt + 9)
      if (e < 0) {
        error('CDATA section not closed before the end of the file')
        break
      }
      addText(text.slice(lt + 9, e))
      i = e + 3
    } else if (text.startsWith('<?', lt)) {
      const e = text.indexOf('?>', lt + 2)
      if (e < 0) {
        error('processing instruction not closed before the end of the file')
        break
      }
      i = e + 2
    } else if (text.startsWith('<!', lt)) {
      const e = declarationEnd(text, lt)
      if (e < 0) {
        error('declaration not closed before the end of the file')
        break
      }
      i = e
    } else if (text[lt + 1] === '/') {
      END.lastIndex = lt
      const m = END.exec(text)
      if (!m) {
        error(`malformed end tag at offset ${lt}`)
        addText('<')
        i = lt + 1
        continue
      }
      i = END.lastIndex
      const name = m[1] as string
      let at = stack.length - 1
      while (at >= 0 && stack[at]!.name !== name) at--
      if (at < 0) {
        error(`unexpected </${name}>`)
        continue
      }
      if (at !== stack.length - 1)
        error(`<${stack[stack.length - 1]!.name}> not closed before </${name}>`)
      stack.length = at
    } else {
      START.lastIndex = lt
      const m = START.exec(text)
      if (!m) {
        error(`malformed tag at offset ${lt}`)
        addText('<')
        i = lt + 1
        continue
      }
      i = START.lastIndex
      if (++elements > limits.elements) {
        error(`over ${limits.elements} elements; the rest is not read`)
        break
      }
      const el: XmlElement = {
        name: m[1] as string,
        attrs: attributes(m[2] ?? ''),
        children: [],
        text: '',
      }
      const parent = stack[stack.length - 1]
      if (parent) parent.children.push(el)
      else {
        if (doc.roots.length === 1) error(`a second root element <${el.name}>`)
        doc.roots.push(el)
      }
      if (!m[3]) stack.push(el)
    }
  }
  if (stack.length)
    error(`unclosed elements at end of file: ${stack.map((e) => e.name).join(' > ')}`)
  if (doc.roots.length === 0) error('no root element')
  if (dropped) doc.errors.push(`and ${dropped} more`)
  return doc
}

/** `exec` for `<Exec>` and `<t:Exec>`: the name without its prefix, lowercased. */
export function localName(el: Pick<XmlElement, 'name'>): string {
  const colon = el.name.indexOf(':')
  return (colon < 0 ? el.name : el.name.slice(colon + 1)).toLowerCase()
}

/**
 * Calls `visit` for every element in document order with its open ancestors (outermost first; the array
 * is reused, so read it during the call). Iterative: a hostile nesting depth cannot overflow the stack.
 */
export function walkXml(
  roots: readonly XmlElement[],
  visit: (el: XmlElement, ancestors: readonly XmlElement[]) => void,
): void {
  const ancestors: XmlElement[] = []
  const todo: { el: XmlElement; depth: number }[] = []
  for (let k = roots.length - 1; k >= 0; k--) todo.push({ el: roots[k]!, depth: 0 })
  while (todo.length) {
    const { el, depth } = todo.pop()!
    ancestors.length = depth
    visit(el, ancestors)
    ancestors.push(el)
    for (let k = el.children.length - 1; k >= 0; k--)
      todo.push({ el: el.children[k]!, depth: depth + 1 })
  }
}

/** The first element named `local` (see localName) under `roots`, in document order. */
export function findXml(roots: readonly XmlElement[], local: string): XmlElement | undefined {
  let found: XmlElement | undefined
  walkXml(roots, (el) => {
    if (!found && localName(el) === local) found = el
  })
  return found
}
