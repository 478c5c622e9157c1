// Sigma's value modifiers that rewrite a value before it is matched: utf16le/utf16be/utf16/wide,
// base64, base64offset and windash. Semantics follow the Sigma specification (modifiers appendix) and
// pySigma's implementation (sigma/modifiers.py), read for reference.
import { SigmaRuleError } from './errors.ts'
import { ANY, hasWildcard, ONE, type Tok } from './sigma-string.ts'

/** A value between transforms: tokens, and whether its literals are bytes (one char per byte). */
export interface Variant {
  toks: Tok[]
  bytes: boolean
}

export const TRANSFORMS = [
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'base64',
  'base64offset',
  'windash',
] as const
export type Transform = (typeof TRANSFORMS)[number]

function plain(v: Variant, mod: string): string {
  if (hasWildcard(v.toks)) throw new SigmaRuleError(`|${mod} takes a value without wildcards`)
  return (v.toks as string[]).join('')
}

/** UTF-8 bytes of a text as a binary string (one char per byte), for base64. */
function utf8Bytes(s: string): string {
  let out = ''
  for (const b of new TextEncoder().encode(s)) out += String.fromCharCode(b)
  return out
}

function utf16(s: string, be: boolean): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const lo = String.fromCharCode(c & 0xff)
    const hi = String.fromCharCode(c >> 8)
    out += be ? hi + lo : lo + hi
  }
  return out
}

const b64 = (binary: string) => btoa(binary)

// base64offset: the value may start at any of the three byte offsets inside a longer encoded text;
// for each, encode with that many leading bytes and cut the characters those bytes (and a partial last
// group) influence.
const START = [0, 2, 3]
const END = [0, -3, -2]

// windash: a dash or slash that starts an option (`-ma`, `/ma`) may be any of the dashes Windows
// command lines accept.
const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015']
const DASH_AT = /\B[-/]\b/g
const MAX_WINDASH_VARIANTS = 625

function windash(toks: readonly Tok[]): Tok[][] {
  // Split literal runs at each option dash, keeping a placeholder for it.
  const DASH = Symbol('dash')
  const parts: (Tok | typeof DASH)[] = []
  for (const t of toks) {
    if (typeof t !== 'string') {
      parts.push(t)
      continue
    }
    let last = 0
    for (const m of t.matchAll(DASH_AT)) {
      if (m.index > last) parts.push(t.slice(last, m.index))
      parts.push(DASH)
      last = m.index + 1
    }
    if (last < t.length) parts.push(t.slice(last))
  }
  const n = parts.filter((p) => p === DASH).length
  if (DASHES.length ** n > MAX_WINDASH_VARIANTS)
    throw new SigmaRuleError(`|windash: ${n} dashes in one value give too many variants`)
  let out: Tok[][] = [[]]
  for (const p of parts) {
    if (p === DASH) out = out.flatMap((o) => DASHES.map((d) => [...o, d]))
    else out = out.map((o) => [...o, p as Tok])
  }
  // Adjacent literals are one run again.
  return out.map((o) => {
    const merged: Tok[] = []
    for (const t of o) {
      const prev = merged[merged.length - 1]
      if (typeof t === 'string' && typeof prev === 'string') merged[merged.length - 1] = prev + t
      else merged.push(t)
    }
    return merged
  })
}

export function applyTransform(mod: Transform, vs: readonly Variant[]): Variant[] {
  switch (mod) {
    case 'windash':
      return vs.flatMap((v) => windash(v.toks).map((toks) => ({ toks, bytes: v.bytes })))
    case 'utf16le':
    case 'wide':
      return vs.map((v) => ({ toks: [utf16(plain(v, mod), false)], bytes: true }))
    case 'utf16be':
      return vs.map((v) => ({ toks: [utf16(plain(v, mod), true)], bytes: true }))
    case 'utf16':
      return vs.map((v) => ({ toks: [`\xff\xfe${utf16(plain(v, mod), false)}`], bytes: true }))
    case 'base64':
      return vs.map((v) => {
        const s = plain(v, mod)
        return { toks: [b64(v.bytes ? s : utf8Bytes(s))], bytes: false }
      })
    case 'base64offset':
      return vs.flatMap((v) => {
        const s = plain(v, mod)
        const bin = v.bytes ? s : utf8Bytes(s)
        return [0, 1, 2].map((i) => {
          const enc = b64(' '.repeat(i) + bin)
          const end = END[(bin.length + i) % 3]!
          return { toks: [enc.slice(START[i], end === 0 ? undefined : end)], bytes: false }
        })
      })
  }
}

export { ANY, ONE }
