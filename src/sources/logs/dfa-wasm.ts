// The Aho-Corasick DFA of aho-corasick.ts run as WebAssembly over four stretches of a block at once.
// One DFA step is a load that depends on the previous one, so a single stream is bound by memory
// latency (~0.5-0.6 GB/s per core in JS or wasm alike); four independent streams in one loop overlap
// those loads (~1.5 GB/s per core on the bench logs). Streams start at line starts, where the automaton
// is at its root because no needle holds a newline, so the split changes no result.

import type { DfaTables } from '../../shared/aho-corasick.ts'
import { type FunctionDef, moduleBytes, op } from '../wasm/emit.ts'

const K = 4
/** Bytes copied into wasm memory per call; bigger blocks go in pieces. */
const STAGE = 1 << 20
/** Hits one piece may hold (8 bytes each); more and the caller falls back to the JS automaton. */
const HIT_CAP = 1 << 16
/** Below this a piece is not split (the four-stream set-up would cost more than it saves). */
const MIN_SPLIT = 4096
/** Memory this scanner may take (tables + stage + hits). */
const MAX_BYTES = 64 << 20

const CLS = 0 // 256 × i32: byte → class × 4
const STATES = 1024 // K × i32: each stream's state after scanK; slot K: scan1's
const DELTA = STATES + 4 * (K + 1)

/** One DFA step on stream (P, S); a hit stores [end address, state] at H and may leave by `overflow`. */
function step(P: number, S: number, H: number, HEND: number, overflow: number): number[] {
  return [
    ...op.get(S),
    ...op.get(P),
    ...op.load8u(0),
    ...op.const(2),
    ...op.shl,
    ...op.load(CLS),
    ...op.add,
    ...op.load(DELTA),
    ...op.tee(S),
    ...op.const(0),
    ...op.ltS,
    ...op.if,
    ...[...op.get(H), ...op.get(P), ...op.const(1), ...op.add, ...op.store(0)],
    ...[...op.get(H), ...op.const(0), ...op.get(S), ...op.sub, ...op.const(1), ...op.sub],
    ...[...op.tee(S), ...op.store(4)],
    ...[...op.get(H), ...op.const(8), ...op.add, ...op.tee(H), ...op.get(HEND), ...op.geU],
    ...op.brIf(overflow),
    ...op.end,
    ...[...op.get(P), ...op.const(1), ...op.add, ...op.set(P)],
  ]
}

/** scanK(p0..p3, n, h, hend): n steps on each of K streams from the root; -1 when hits overflow. */
function scanK(): FunctionDef {
  const N = K
  const H = K + 1
  const HEND = K + 2
  const S = (k: number) => K + 3 + k
  const steps: number[] = []
  // Depths inside a step's `if`: if 0, loop 1, block done 2, block overflow 3.
  for (let k = 0; k < K; k++) steps.push(...step(k, S(k), H, HEND, 3))
  const saveStates: number[] = []
  for (let k = 0; k < K; k++)
    saveStates.push(...op.const(0), ...op.get(S(k)), ...op.store(STATES + 4 * k))
  return {
    name: 'scanK',
    params: K + 3,
    locals: K,
    body: [
      ...op.block, // overflow
      ...op.block, // done
      ...[...op.get(N), ...op.eqz, ...op.brIf(0)],
      ...op.loop,
      ...steps,
      ...[...op.get(N), ...op.const(1), ...op.sub, ...op.tee(N), ...op.brIf(0)],
      ...op.end,
      ...op.end,
      ...saveStates,
      ...op.get(H),
      ...op.return,
      ...op.end,
      ...op.const(-1),
    ],
  }
}

/** scan1(p, end, s, h, hend): one stream from state s; -1 when hits overflow. */
function scan1(): FunctionDef {
  const [P, END, S, H, HEND] = [0, 1, 2, 3, 4]
  return {
    name: 'scan1',
    params: 5,
    locals: 0,
    body: [
      ...op.block, // overflow
      ...op.block, // done
      ...op.loop,
      ...[...op.get(P), ...op.get(END), ...op.geU, ...op.brIf(1)],
      // Depths inside the step's `if`: if 0, loop 1, done 2, overflow 3.
      ...step(P, S, H, HEND, 3),
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...[...op.const(0), ...op.get(S), ...op.store(STATES + 4 * K)],
      ...op.get(H),
      ...op.return,
      ...op.end,
      ...op.const(-1),
    ],
  }
}

/** countNl(p, end): newline bytes in [p, end), 16 at a time. */
function countNl(): FunctionDef {
  const [P, END, COUNT] = [0, 1, 2]
  const nl = [...op.const(10), ...op.i8x16Splat]
  return {
    name: 'countNl',
    params: 2,
    locals: 1,
    body: [
      ...op.block,
      ...op.loop,
      ...[...op.get(P), ...op.const(16), ...op.add, ...op.get(END), ...op.gtU, ...op.brIf(1)],
      ...[...op.get(COUNT), ...op.get(P), ...op.v128Load(0), ...nl, ...op.i8x16Eq],
      ...[...op.i8x16Bitmask, ...op.popcnt, ...op.add, ...op.set(COUNT)],
      ...[...op.get(P), ...op.const(16), ...op.add, ...op.set(P), ...op.br(0)],
      ...op.end,
      ...op.end,
      ...op.block,
      ...op.loop,
      ...[...op.get(P), ...op.get(END), ...op.geU, ...op.brIf(1)],
      ...[...op.get(COUNT), ...op.get(P), ...op.load8u(0), ...op.const(10), ...op.eq, ...op.add],
      ...[...op.set(COUNT), ...op.get(P), ...op.const(1), ...op.add, ...op.set(P), ...op.br(0)],
      ...op.end,
      ...op.end,
      ...op.get(COUNT),
    ],
  }
}

export interface BlockHits {
  count: number
  /** Exclusive end offset of each hit in the block, ascending. */
  ends: Int32Array
  /** Automaton state at each hit (for `outputs`). */
  states: Int32Array
}

export class WasmDfa {
  private readonly scanKFn: (...args: number[]) => number
  private readonly scan1Fn: (p: number, end: number, s: number, h: number, hend: number) => number
  private readonly countNlFn: (p: number, end: number) => number
  /** The last scanned block, when it fit in one staged piece (still in wasm memory). */
  private staged: Uint8Array | null = null
  private readonly bytes: Uint8Array
  private readonly words: Int32Array
  private readonly hitsAt: number
  private readonly bufAt: number
  private readonly rowBytes: number
  private readonly out: BlockHits = {
    count: 0,
    ends: new Int32Array(256),
    states: new Int32Array(256),
  }

  private constructor(t: DfaTables) {
    this.rowBytes = t.classes * 4
    this.hitsAt = DELTA + t.delta.length * 4
    this.bufAt = this.hitsAt + HIT_CAP * 8
    const pages = Math.ceil((this.bufAt + STAGE) / 65536)
    const mod = new WebAssembly.Module(moduleBytes([scanK(), scan1(), countNl()], pages))
    const ex = new WebAssembly.Instance(mod).exports as Record<string, unknown>
    const mem = ex.mem as WebAssembly.Memory
    this.scanKFn = ex.scanK as (...args: number[]) => number
    this.scan1Fn = ex.scan1 as WasmDfa['scan1Fn']
    this.countNlFn = ex.countNl as WasmDfa['countNlFn']
    this.bytes = new Uint8Array(mem.buffer)
    this.words = new Int32Array(mem.buffer)
    for (let b = 0; b < 256; b++) this.words[CLS / 4 + b] = t.cls[b]! * 4
    // Rows as byte offsets; a hit row r is stored as -r - 1 (the JS table does the same with states).
    const base = DELTA / 4
    for (let i = 0; i < t.delta.length; i++) {
      const v = t.delta[i]!
      this.words[base + i] = v < 0 ? -((-v - 1) * 4) - 1 : v * 4
    }
  }

  /** null when the tables are too big for the memory budget (the caller keeps the JS automaton). */
  static create(t: DfaTables): WasmDfa | null {
    if (DELTA + t.delta.length * 4 + HIT_CAP * 8 + STAGE > MAX_BYTES) return null
    try {
      return new WasmDfa(t)
    } catch {
      // A runtime without WebAssembly (or its SIMD): the JS automaton does the same, slower.
      return null
    }
  }

  /** Every needle end in `block`, in order; null when a piece holds more hits than fit. */
  scan(block: Uint8Array): BlockHits | null {
    this.out.count = 0
    this.staged = block.length <= STAGE ? block : null
    let state = 0
    for (let off = 0; off < block.length; ) {
      let end = Math.min(block.length, off + STAGE)
      if (end < block.length) {
        const nl = block.lastIndexOf(10, end - 1)
        if (nl >= off) end = nl + 1
      }
      this.bytes.set(block.subarray(off, end), this.bufAt)
      const s = state === 0 ? this.pieceSplit(block, off, end) : -2
      state = s === -2 ? this.pieceOne(off, 0, end - off, state) : s
      if (state === -1) return null
      off = end
    }
    return this.out
  }

  /**
   * Newlines in [from, to) of `block`, counted in wasm memory (SIMD) when `block` is the last one
   * scanned and it fit in one piece; -1 otherwise (the caller counts).
   */
  countNewlines(block: Uint8Array, from: number, to: number): number {
    if (block !== this.staged) return -1
    return this.countNlFn(this.bufAt + from, this.bufAt + to)
  }

  /** The piece [off, end) of `block` as four streams; the state at its end, -2 if it cannot split, -1 on overflow. */
  private pieceSplit(block: Uint8Array, off: number, end: number): number {
    const len = end - off
    if (len < MIN_SPLIT) return -2
    const starts = [0]
    for (let k = 1; k < K; k++) {
      const nl = block.indexOf(10, off + Math.floor((k * len) / K))
      if (nl === -1 || nl + 1 >= end || nl + 1 - off <= starts[k - 1]!) return -2
      starts.push(nl + 1 - off)
    }
    starts.push(len)
    let n = len
    for (let k = 0; k < K; k++) n = Math.min(n, starts[k + 1]! - starts[k]!)
    const h = this.scanKFn(
      ...starts.slice(0, K).map((s) => this.bufAt + s),
      n,
      this.hitsAt,
      this.hitsAt + HIT_CAP * 8,
    )
    if (h === -1) return -1
    // Hits come interleaved across streams; each stream's are in order, and streams are in block order.
    const found = (h - this.hitsAt) / 8
    const ends: number[] = []
    const states: number[] = []
    for (let i = 0; i < found; i++) {
      ends.push(this.words[this.hitsAt / 4 + 2 * i]! - this.bufAt)
      states.push(this.words[this.hitsAt / 4 + 2 * i + 1]!)
    }
    const finals = Array.from({ length: K }, (_, k) => this.words[STATES / 4 + k]!)
    let state = 0
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < found; i++) {
        const e = ends[i]!
        if (e > starts[k]! && e <= starts[k + 1]!) this.push(off + e, states[i]! / this.rowBytes)
      }
      state = this.pieceOne(off, starts[k]! + n, starts[k + 1]!, finals[k]!)
      if (state === -1) return -1
    }
    return state
  }

  /** One stream over piece bytes [from, to) from `row`; the row at the end, -1 on overflow. */
  private pieceOne(off: number, from: number, to: number, row: number): number {
    if (from >= to) return row
    const h = this.scan1Fn(
      this.bufAt + from,
      this.bufAt + to,
      row,
      this.hitsAt,
      this.hitsAt + HIT_CAP * 8,
    )
    if (h === -1) return -1
    for (let p = this.hitsAt / 4; p < h / 4; p += 2) {
      this.push(off + this.words[p]! - this.bufAt, this.words[p + 1]! / this.rowBytes)
    }
    return this.words[STATES / 4 + K]!
  }

  private push(end: number, state: number): void {
    const o = this.out
    if (o.count === o.ends.length) {
      const ends = new Int32Array(o.count * 2)
      const states = new Int32Array(o.count * 2)
      ends.set(o.ends)
      states.set(o.states)
      o.ends = ends
      o.states = states
    }
    o.ends[o.count] = end
    o.states[o.count] = state
    o.count++
  }
}
