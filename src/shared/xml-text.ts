// What an XML reader (IIS's configuration system, Task Scheduler) sees in a config file, for our tolerant
// tag scanners: character and entity references decoded (XML 1.0 §4.1, §4.6: `&#80;` and `&#x50;` are
// "P", the five predefined entities), and comments, CDATA sections and processing instructions removed as
// the parser skips them, in document order, so markup hidden in one is not read and markup after one is.

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

// One pass, leftmost first: `<![CDATA[ <!-- ]]> <add/> -->` hides nothing after `]]>`, and a comment that
// holds `<![CDATA[` ends at its own `-->`. An unterminated one runs to the end, as a parser would fail there.
const NON_MARKUP = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)|<\?[\s\S]*?(?:\?>|$)/g

/** The text with a leading BOM dropped and comments, CDATA sections and processing instructions blanked. */
export function stripXmlNonMarkup(xml: string): string {
  return xml.replace(/^\uFEFF/, '').replace(NON_MARKUP, (m) => ' '.repeat(m.length))
}
