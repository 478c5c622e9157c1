// The one XML grammar: what IIS and Task Scheduler would read, and what they would refuse, on hand-made
// hostile text. Real files are read in src/sources/xml/read.test.ts.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  decodeXmlText,
  findXml,
  localName,
  parseXml,
  walkXml,
  XML_LIMITS,
  type XmlElement,
} from './xml.ts'

/** Every element as `name[attr=value,...]:text`, in document order, indented by depth. */
function outline(xml: string): string[] {
  const out: string[] = []
  walkXml(parseXml(xml).roots, (el, up) => {
    const attrs = Object.entries(el.attrs).map(([k, v]) => `${k}=${v}`)
    out.push(`${'  '.repeat(up.length)}${el.name}[${attrs.join(',')}]:${el.text.trim()}`)
  })
  return out
}

describe('references', () => {
  test('numeric (decimal and hex, any case) and the five named entities; anything else kept', () => {
    assert.equal(decodeXmlText('&#80;&#x50;&#X50;&amp;&lt;&gt;&quot;&apos;'), 'PPP&<>"\'')
    assert.equal(
      decodeXmlText('&#0; &#x110000; &nbsp; &#xZZ; &'),
      '&#0; &#x110000; &nbsp; &#xZZ; &',
    )
    assert.equal(decodeXmlText('&#x1F600;'), '😀')
  })

  test('in attribute values and text, never twice (&amp;#80; is the text "&#80;")', () => {
    const doc = parseXml('<a v="&#x43;:\\&#80;rogramData &amp;#80;">&#x6d;s&amp;lt;</a>')
    assert.deepEqual(doc.errors, [])
    assert.deepEqual(doc.roots[0]!.attrs, { v: 'C:\\ProgramData &#80;' })
    assert.equal(doc.roots[0]!.text, 'ms&lt;')
  })

  test('attribute values: tabs and line breaks are spaces, a referenced line break stays', () => {
    const doc = parseXml("<a v='x\r\n\ty&#10;z' w=\"'\" />")
    assert.deepEqual(doc.roots[0]!.attrs, { v: 'x  y\nz', w: "'" })
  })
})

describe('markup that is not read', () => {
  test('comments, CDATA, PIs and a DOCTYPE with an internal subset, leftmost first', () => {
    assert.deepEqual(
      outline(`\uFEFF<?xml version="1.0"?><!DOCTYPE r [ <!ENTITY e "<x/>"> ]>
        <r><![CDATA[ <!-- ]]><a/><!-- <![CDATA[ --><b/><?pi <c/> ?><![CDATA[ <d/> ]]>
        <!-- <e/> --></r>`),
      ['r[]:<!--  <d/>', '  a[]:', '  b[]:'],
    )
  })

  test('CDATA is literal text and joins the text around it; a comment inside text is dropped', () => {
    const doc = parseXml('<Command>C:\\a<!-- x -->b<![CDATA[&#80; <x>]]>c</Command>')
    assert.equal(doc.roots[0]!.text, 'C:\\ab&#80; <x>c')
    assert.deepEqual(doc.errors, [])
  })
})

describe('what a strict reader refuses is listed, and what it can read is kept', () => {
  test('a truncated file: the open elements are named', () => {
    const doc = parseXml('<a><b x="1"><c/>')
    assert.deepEqual(doc.errors, ['unclosed elements at end of file: a > b'])
    assert.equal(findXml(doc.roots, 'c')?.name, 'c')
  })

  test('an unterminated comment, CDATA or PI ends the read where a parser would stop', () => {
    for (const [xml, err] of [
      ['<a><!-- <b/>', 'comment not closed'],
      ['<a><![CDATA[ <b/>', 'CDATA section not closed'],
      ['<a><? <b/>', 'processing instruction not closed'],
      ['<!DOCTYPE a [ <b/>', 'declaration not closed'],
    ] as const) {
      const doc = parseXml(xml)
      assert.ok(doc.errors[0]?.startsWith(err), `${xml}: ${doc.errors}`)
      assert.equal(findXml(doc.roots, 'b'), undefined, xml)
    }
  })

  test('mismatched and stray end tags, a stray <, a second root, text outside the root', () => {
    const doc = parseXml('x<a><b></a></c><d>1 < 2</d></a><e/>')
    assert.deepEqual(doc.errors, [
      'text outside the root element',
      '<b> not closed before </a>',
      'unexpected </c>',
      'a second root element <d>',
      'malformed tag at offset 20',
      'unexpected </a>',
    ])
    assert.deepEqual(
      doc.roots.map((r) => r.name),
      ['a', 'd', 'e'],
    )
    assert.equal(findXml(doc.roots, 'd')?.text, '1 < 2')
  })

  test('a < in an attribute value is refused as IIS refuses it; the next tag is still read', () => {
    const doc = parseXml('<a v="1 < 2"><b/></a>')
    assert.deepEqual(doc.errors, [
      'malformed tag at offset 0',
      'text outside the root element',
      'malformed tag at offset 8',
      'unexpected </a>',
    ])
    assert.equal(findXml(doc.roots, 'b')?.name, 'b')
  })

  test('binary: NUL characters are named, the error list is bounded', () => {
    const noise = Array.from({ length: 4000 }, (_, i) =>
      String.fromCharCode((i * 7919) % 256),
    ).join('')
    const doc = parseXml(`\u0000${noise}<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<`)
    assert.equal(doc.errors[0], 'NUL characters: not XML text')
    assert.ok(doc.errors.length <= XML_LIMITS.errors + 1)
    assert.match(doc.errors.at(-1)!, /^and \d+ more$/)
  })

  test('too many elements: the rest is not read; deep nesting does not overflow the walk', () => {
    const limits = { ...XML_LIMITS, elements: 1000 }
    const many = parseXml(`<a>${'<b/>'.repeat(2000)}</a>`, limits)
    assert.deepEqual(many.errors, [
      'over 1000 elements; the rest is not read',
      'unclosed elements at end of file: a',
    ])
    assert.equal(many.roots[0]!.children.length, 999)
    const depth = 50_000
    const deep = parseXml(`${'<n>'.repeat(depth)}<leaf/>${'</n>'.repeat(depth)}`)
    assert.deepEqual(deep.errors, [])
    let max = 0
    walkXml(deep.roots, (_el, up) => {
      max = Math.max(max, up.length)
    })
    assert.equal(max, depth)
  })
})

test('names: a prefix and case are ignored by localName, not by end tags', () => {
  const doc = parseXml('<t:Task xmlns:t="u"><t:Exec/><EXEC/></t:Task>')
  assert.deepEqual(doc.errors, [])
  const names: string[] = []
  walkXml(doc.roots, (el: XmlElement) => names.push(localName(el)))
  assert.deepEqual(names, ['task', 'exec', 'exec'])
  assert.deepEqual(parseXml('<a></A>').errors, [
    'unexpected </A>',
    'unclosed elements at end of file: a',
  ])
})
