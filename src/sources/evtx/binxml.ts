// Binary XML of one chunk: tokens → a small tree. Template definitions are parsed once per chunk and
// kept by offset; a record is a template instance (the definition's tree plus its substitution
// values), resolved only when rendered or turned into an EventRecord (no tree copy per record).
// Token layouts: libyal/libevtx "Windows XML Event Log (EVTX)" (binary XML tokens, template
// definition and instance), cross-checked with omerbenamram/evtx and williballenthin/python-evtx.
import { fail, need, u16, u32, utf16At } from './bytes.ts'
import { decodeValue, type Scalar, VT } from './values.ts'

export interface Elem {
  readonly k: 'e'
  readonly name: string
  readonly attrs: Attr[]
  readonly kids: Node[]
}
export interface Attr {
  readonly name: string
  readonly parts: Node[]
}
/** A substitution placeholder of a template definition (`opt`: optional, dropped when null). */
export interface Sub {
  readonly k: 's'
  readonly id: number
  readonly type: number
  readonly opt: boolean
}
export interface CData {
  readonly k: 'c'
  readonly text: string
}
export interface PI {
  readonly k: 'p'
  readonly target: string
  data: string
}
/** A template instance: the definition's nodes and this instance's values. */
export interface Instance {
  readonly k: 't'
  readonly body: readonly Node[]
  readonly values: readonly Value[]
}
/** A BinXML fragment embedded as a substitution value (type 0x21). */
export interface Nested {
  readonly k: 'x'
  readonly nodes: readonly Node[]
}
export type Node = Elem | string | Sub | CData | PI | Instance
export type Value = Scalar | Nested

/** Nesting limits: hostile input must not recurse without bound. */
const MAX_DEPTH = 64
const MAX_NESTED = 8

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Per-chunk caches: names and template definitions by chunk offset. */
export class ChunkContext {
  readonly names = new Map<number, string>()
  readonly templates = new Map<number, readonly Node[]>()
  constructor(readonly buf: Uint8Array) {}

  /** The name stored at `off` (next-offset u32, hash u16, count u16, UTF-16 chars, NUL). */
  nameAt(off: number): string {
    const hit = this.names.get(off)
    if (hit !== undefined) return hit
    const count = u16(this.buf, off + 6)
    need(this.buf, off + 8, count * 2 + 2)
    const name = utf16At(this.buf, off + 8, count)
    this.names.set(off, name)
    return name
  }

  /** Template definition at `off`: next u32, GUID, data size u32, then the BinXML body. */
  template(off: number, nested: number): readonly Node[] {
    const hit = this.templates.get(off)
    if (hit !== undefined) return hit
    const size = u32(this.buf, off + 20)
    const start = off + 24
    if (start + size > this.buf.length)
      fail(`template at 0x${off.toString(16)} runs past the chunk`)
    // Mark it while parsing: a definition that refers to itself must fail, not recurse.
    this.templates.set(off, [])
    try {
      const body = parseFragment(this, start, start + size, true, nested).nodes
      this.templates.set(off, body)
      return body
    } catch (e) {
      this.templates.delete(off)
      throw e
    }
  }
}

/** Is the element header at `p` (after the token and optional dependency id) plausible? */
function plausibleName(ctx: ChunkContext, p: number, attrs: boolean): boolean {
  const buf = ctx.buf
  if (p + 8 > buf.length) return false
  const off = u32(buf, p + 4)
  if (off === p + 8) return true
  if (off < 512 || off + 8 > buf.length || off >= p) return false
  const count = u16(buf, off + 6)
  return count > 0 && off + 10 + count * 2 <= buf.length && (!attrs || p + 12 <= buf.length)
}

/**
 * Parse BinXML tokens from pos until EOF or end. `dep`: element headers carry a dependency id
 * (template definitions do; record-level and nested fragments usually do not: omerbenamram/evtx,
 * while python-evtx always reads one, so the header is checked for plausibility both ways).
 */
export function parseFragment(
  ctx: ChunkContext,
  pos: number,
  end: number,
  dep: boolean,
  nested: number,
): { nodes: Node[]; pos: number } {
  const buf = ctx.buf
  if (end > buf.length) fail('fragment runs past the chunk')
  const root: Node[] = []
  const stack: Elem[] = []
  let attr: Attr | null = null
  let kids: Node[] = root
  let lastPi: PI | null = null
  const add = (n: Node) => {
    if (attr) attr.parts.push(n)
    else kids.push(n)
  }
  while (pos < end) {
    const tok = buf[pos] as number
    if ((tok & 0xb0) !== 0)
      fail(`unknown BinXML token 0x${tok.toString(16)} at 0x${pos.toString(16)}`)
    switch (tok & 0x0f) {
      case 0x00: // end of fragment
        return { nodes: root, pos: pos + 1 }
      case 0x0f: // fragment header: major, minor, flags
        pos += 4
        break
      case 0x01: {
        const hasAttrs = (tok & 0x40) !== 0
        let p = pos + 1
        if (dep) p += 2
        else if (!plausibleName(ctx, p, hasAttrs) && plausibleName(ctx, p + 2, hasAttrs)) p += 2
        const nameOff = u32(buf, p + 4)
        p += 8
        const name = ctx.nameAt(nameOff)
        if (nameOff === p) p += 10 + u16(buf, p + 6) * 2
        if (hasAttrs) p += 4
        if (stack.length >= MAX_DEPTH) fail('elements nested too deep')
        const el: Elem = { k: 'e', name, attrs: [], kids: [] }
        if (attr) attr = null
        kids.push(el)
        stack.push(el)
        kids = el.kids
        pos = p
        break
      }
      case 0x02: // close start element: attributes done
        attr = null
        pos++
        break
      case 0x03: // close empty element
      case 0x04: // end element
        attr = null
        stack.pop()
        kids = stack.length ? (stack[stack.length - 1] as Elem).kids : root
        pos++
        break
      case 0x05: {
        const type = u8at(buf, pos + 1)
        if (type !== VT.String) {
          // Only strings are documented in value tokens; others have no stored size.
          fail(`value token of type 0x${type.toString(16)} at 0x${pos.toString(16)}`)
        }
        const n = u16(buf, pos + 2)
        add(utf16At(buf, pos + 4, n))
        pos += 4 + n * 2
        break
      }
      case 0x06: {
        const el = stack[stack.length - 1]
        if (!el) fail('attribute outside an element')
        const nameOff = u32(buf, pos + 1)
        let p = pos + 5
        const name = ctx.nameAt(nameOff)
        if (nameOff === p) p += 10 + u16(buf, p + 6) * 2
        attr = { name, parts: [] }
        el.attrs.push(attr)
        pos = p
        break
      }
      case 0x07: {
        const n = u16(buf, pos + 1)
        add({ k: 'c', text: utf16At(buf, pos + 3, n) })
        pos += 3 + n * 2
        break
      }
      case 0x08:
        add(String.fromCharCode(u16(buf, pos + 1)))
        pos += 3
        break
      case 0x09: {
        const nameOff = u32(buf, pos + 1)
        let p = pos + 5
        const name = ctx.nameAt(nameOff)
        if (nameOff === p) p += 10 + u16(buf, p + 6) * 2
        add(ENTITIES[name] ?? `&${name};`)
        pos = p
        break
      }
      case 0x0a: {
        const nameOff = u32(buf, pos + 1)
        let p = pos + 5
        const target = ctx.nameAt(nameOff)
        if (nameOff === p) p += 10 + u16(buf, p + 6) * 2
        lastPi = { k: 'p', target, data: '' }
        add(lastPi)
        pos = p
        break
      }
      case 0x0b: {
        const n = u16(buf, pos + 1)
        const data = utf16At(buf, pos + 3, n)
        if (lastPi) lastPi.data = data
        pos += 3 + n * 2
        break
      }
      case 0x0c: {
        const [inst, next] = parseInstance(ctx, pos, nested)
        add(inst)
        pos = next
        break
      }
      case 0x0d:
      case 0x0e:
        add({ k: 's', id: u16(buf, pos + 1), type: u8at(buf, pos + 3), opt: (tok & 0x0f) === 0x0e })
        pos += 4
        break
      default:
        fail(`unknown BinXML token 0x${tok.toString(16)} at 0x${pos.toString(16)}`)
    }
  }
  return { nodes: root, pos }
}

function u8at(buf: Uint8Array, p: number): number {
  need(buf, p, 1)
  return buf[p] as number
}

/** Template instance token at pos: [0x0c, u8, template id u32, definition offset u32, (inline def), values]. */
function parseInstance(ctx: ChunkContext, pos: number, nested: number): [Instance, number] {
  const buf = ctx.buf
  const defOff = u32(buf, pos + 6)
  let p = pos + 10
  if (defOff === p) p += 24 + u32(buf, p + 20) // the definition is inline here: skip it
  // A definition may hold instances of other definitions: their chain counts as nesting.
  if (nested >= MAX_NESTED) fail('templates nested too deep')
  const body = ctx.template(defOff, nested + 1)
  const count = u32(buf, p)
  p += 4
  if (count * 4 > buf.length - p) fail(`template instance declares ${count} values`)
  const values: Value[] = new Array(count)
  let v = p + count * 4
  for (let i = 0; i < count; i++) {
    const size = u16(buf, p + 4 * i)
    const type = buf[p + 4 * i + 2] as number
    need(buf, v, size)
    if (type === VT.BinXml) {
      if (nested >= MAX_NESTED) fail('BinXML values nested too deep')
      values[i] =
        size === 0
          ? null
          : { k: 'x', nodes: parseFragment(ctx, v, v + size, false, nested + 1).nodes }
    } else values[i] = decodeValue(buf, v, size, type)
    v += size
  }
  return [{ k: 't', body, values }, v]
}
