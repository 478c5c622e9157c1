// Text is read as the bytes are: a BOM decides UTF-16LE/BE or UTF-8; without one, UTF-16 is recognised by
// its zero bytes (ASCII-range code units in an .aspx), else UTF-8 (invalid sequences become U+FFFD).
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be'

export interface DecodedText {
  text: string
  /** `clr-metadata`: a .NET assembly's identifiers and string literals, one per line (hunt/clr-view.ts). */
  encoding: TextEncodingName | 'clr-metadata'
  bom: boolean
}

interface PlainDecodedText extends DecodedText {
  encoding: TextEncodingName
}

function looksUtf16(bytes: Uint8Array): TextEncodingName | undefined {
  const n = Math.min(bytes.length, 512) & ~1
  if (n < 8) return undefined
  let evenZero = 0
  let oddZero = 0
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++
    if (bytes[i + 1] === 0) oddZero++
  }
  const half = n / 2
  if (oddZero > half * 0.6 && evenZero < half * 0.1) return 'utf-16le'
  if (evenZero > half * 0.6 && oddZero < half * 0.1) return 'utf-16be'
  return undefined
}

const decoders = {
  'utf-8': new TextDecoder('utf-8'),
  'utf-16le': new TextDecoder('utf-16le'),
  'utf-16be': new TextDecoder('utf-16be'),
}

export function decodeText(bytes: Uint8Array): PlainDecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: decoders['utf-8'].decode(bytes.subarray(3)), encoding: 'utf-8', bom: true }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: decoders['utf-16le'].decode(bytes.subarray(2)), encoding: 'utf-16le', bom: true }
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: decoders['utf-16be'].decode(bytes.subarray(2)), encoding: 'utf-16be', bom: true }
  }
  const guess = looksUtf16(bytes)
  if (guess) return { text: decoders[guess].decode(bytes), encoding: guess, bom: false }
  return { text: decoders['utf-8'].decode(bytes), encoding: 'utf-8', bom: false }
}
