// Bytes of an IIS config, web.config or scheduled task → text → the XML tree of shared/xml.ts. The
// encoding is found as XML 1.0 Appendix F says: a BOM (Task Scheduler writes UTF-16LE with one), else the
// first characters in 16-bit units, else the `encoding` of the XML declaration, else UTF-8. Never throws:
// what could not be read is in `doc.errors`, and the caller makes it an ItemError (EXH_ERR_XML).
import { TextDecoder } from 'node:util'
import { parseXml, type XmlDocument } from '../../shared/xml.ts'

export interface XmlRead {
  /** The decoded text, which text rules match. */
  text: string
  encoding: string
  doc: XmlDocument
}

/** `<`, `<?` or white space as the first UTF-16 code unit of a BOM-less file (Appendix F). */
const FIRST = new Set([0x3c, 0x20, 0x09, 0x0a, 0x0d])

function sniff(b: Uint8Array): { encoding: string; skip: number; declared?: boolean } {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', skip: 3 }
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 }
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', skip: 2 }
  if (b.length >= 4) {
    if (FIRST.has(b[0]!) && b[1] === 0 && b[3] === 0) return { encoding: 'utf-16le', skip: 0 }
    if (b[0] === 0 && FIRST.has(b[1]!) && b[2] === 0) return { encoding: 'utf-16be', skip: 0 }
  }
  // An 8-bit encoding: its declaration names it (ASCII-compatible up to the declaration's end).
  const head = Buffer.from(b.subarray(0, 200)).toString('latin1')
  const declared = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]
  return declared
    ? { encoding: declared.toLowerCase(), skip: 0, declared: true }
    : { encoding: 'utf-8', skip: 0 }
}

function decoder(encoding: string): TextDecoder | undefined {
  try {
    return new TextDecoder(encoding)
  } catch {
    return undefined
  }
}

/** Decodes `bytes` as an XML reader would and parses the text; a broken file yields what it can. */
export function readXml(bytes: Uint8Array): XmlRead {
  const { encoding, skip, declared } = sniff(bytes)
  // A declared UTF-16 in bytes that read as 8-bit is wrong, and so is a name no decoder knows.
  const known = declared && encoding.startsWith('utf-16') ? undefined : decoder(encoding)
  const text = (known ?? new TextDecoder('utf-8')).decode(bytes.subarray(skip))
  const doc = parseXml(text)
  if (!known) doc.errors.unshift(`unknown or wrong encoding "${encoding}"; read as UTF-8`)
  return { text, encoding: known ? encoding : 'utf-8', doc }
}

/** One line for an ItemError: what a strict reader would refuse, first problems first. */
export function xmlErrorMessage(doc: XmlDocument): string {
  return `not well-formed XML, judged on what could be read: ${doc.errors.slice(0, 3).join('; ')}${doc.errors.length > 3 ? '; ...' : ''}`
}
