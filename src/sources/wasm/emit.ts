// Just enough of the WebAssembly binary format to emit small hot loops from TypeScript: no toolchain,
// no binary in the repository, and the module is specialised (table offsets baked in) at run time.
// Spec: https://webassembly.github.io/spec/core/binary/

export const I32 = 0x7f

export function uleb(value: number): number[] {
  const out: number[] = []
  let n = value >>> 0
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}

export function sleb(value: number): number[] {
  const out: number[] = []
  let n = value | 0
  for (;;) {
    const b = n & 0x7f
    n >>= 7
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b)
      return out
    }
    out.push(b | 0x80)
  }
}

export function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()]
}

function section(id: number, body: readonly number[]): number[] {
  return [id, ...uleb(body.length), ...body]
}

function name(s: string): number[] {
  const bytes = [...Buffer.from(s, 'utf8')]
  return [...uleb(bytes.length), ...bytes]
}

/** Instructions used by the emitted loops (opcodes from the spec's instruction index). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  return: [0x0f],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  /** i32.load with 4-byte alignment and a constant offset. */
  load: (offset: number) => [0x28, 2, ...uleb(offset)],
  load8u: (offset: number) => [0x2d, 0, ...uleb(offset)],
  store: (offset: number) => [0x36, 2, ...uleb(offset)],
  const: (n: number) => [0x41, ...sleb(n)],
  eqz: [0x45],
  ltS: [0x48],
  geU: [0x4f],
  gtU: [0x4b],
  eq: [0x46],
  add: [0x6a],
  sub: [0x6b],
  shl: [0x74],
  popcnt: [0x69],
  // Fixed-width SIMD (prefix 0xfd; Node 20's V8 has it on by default).
  v128Load: (offset: number) => [0xfd, 0x00, 0, ...uleb(offset)],
  i8x16Splat: [0xfd, 0x0f],
  i8x16Eq: [0xfd, 0x23],
  i8x16Bitmask: [0xfd, ...uleb(100)],
} as const

export interface FunctionDef {
  name: string
  params: number
  locals: number
  /** Every param, local and the result are i32. */
  body: readonly number[]
}

/** A module of i32 functions sharing one exported memory `mem` of `pages` 64 KiB pages. */
export function moduleBytes(functions: readonly FunctionDef[], pages: number): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vec(Array.from({ length: f.params }, () => [I32])),
    ...vec([[I32]]),
  ])
  const codes = functions.map((f) => {
    const code = [...vec(f.locals > 0 ? [[...uleb(f.locals), I32]] : []), ...f.body, ...op.end]
    return [...uleb(code.length), ...code]
  })
  const exports = [
    ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
    [...name('mem'), 0x02, 0],
  ]
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
  ])
}
