// Aho-Corasick over bytes, compiled to a dense DFA: one table step per input byte whatever the number
// of needles. ASCII letters fold to lowercase; other bytes match exactly. Bytes no needle uses share
// one class, so the table stays small (states × classes).

/** The dense DFA as flat tables (dfa-wasm.ts runs the same tables). */
export interface DfaTables {
  /** Byte → class (ASCII letters folded). */
  cls: Uint16Array
  classes: number
  /** state × classes + class → next state × classes, or -(next × classes) - 1 where a needle ends. */
  delta: Int32Array
}

/** A multi-needle matcher over bytes (the dense DFA here, or sparse-aho-corasick.ts for huge sets). */
export interface NeedleAutomaton {
  /** First position at or after `from` where a needle ends (exclusive end offset), or -1. */
  scan(buf: Uint8Array, from: number, state: number): number
  /** DFA state after the last hit `scan` reported. */
  readonly lastState: number
  /** Needle indexes ending in `state` (own and by suffix). */
  outputs(state: number): readonly number[]
}

export interface Automaton extends NeedleAutomaton {
  readonly tables: DfaTables
}

/** Dense tables past this many entries (4 bytes each) are not built: a huge feed must not eat the heap. */
export const MAX_TABLE_ENTRIES = 1 << 22

/** null when the dense table would exceed MAX_TABLE_ENTRIES (the log prefilter falls back to sparse-aho-corasick.ts). */
export function buildAutomaton(needles: readonly Uint8Array[]): Automaton | null {
  const fold = (b: number) => (b >= 65 && b <= 90 ? b + 32 : b)
  const cls = new Uint16Array(256)
  let classes = 1
  let bytes = 0
  for (const n of needles) {
    bytes += n.length
    for (const raw of n) {
      const b = fold(raw)
      if (cls[b] === 0) cls[b] = classes++
    }
  }
  // The trie has at most one state per needle byte (plus the root).
  if ((bytes + 1) * classes > MAX_TABLE_ENTRIES) return null
  for (let b = 65; b <= 90; b++) cls[b] = cls[b + 32]!

  // Trie.
  const next: number[][] = [new Array<number>(classes).fill(-1)]
  const out: number[][] = [[]]
  needles.forEach((n, id) => {
    let s = 0
    for (const raw of n) {
      const c = cls[fold(raw)]!
      let t = next[s]![c]!
      if (t === -1) {
        t = next.length
        next.push(new Array<number>(classes).fill(-1))
        out.push([])
        next[s]![c] = t
      }
      s = t
    }
    out[s]!.push(id)
  })

  // Failure links, breadth first, turned straight into DFA transitions.
  const fail = new Array<number>(next.length).fill(0)
  const queue: number[] = []
  for (let c = 0; c < classes; c++) {
    const t = next[0]![c]!
    if (t === -1) next[0]![c] = 0
    else queue.push(t)
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!
    out[s] = [...out[s]!, ...out[fail[s]!]!]
    for (let c = 0; c < classes; c++) {
      const t = next[s]![c]!
      if (t === -1) next[s]![c] = next[fail[s]!]![c]!
      else {
        fail[t] = next[fail[s]!]![c]!
        queue.push(t)
      }
    }
  }

  // Dense table of premultiplied state numbers, negative where a needle ends (one load per byte).
  const states = next.length
  const delta = new Int32Array(states * classes)
  for (let s = 0; s < states; s++) {
    for (let c = 0; c < classes; c++) {
      const t = next[s]![c]!
      delta[s * classes + c] = out[t]!.length > 0 ? -t * classes - 1 : t * classes
    }
  }

  let lastState = 0
  return {
    tables: { cls, classes, delta },
    scan(buf, from, state) {
      let s = state * classes
      const n = buf.length
      for (let i = from; i < n; i++) {
        s = delta[s + cls[buf[i]!]!]!
        if (s < 0) {
          lastState = (-s - 1) / classes
          return i + 1
        }
      }
      return -1
    },
    get lastState() {
      return lastState
    },
    outputs: (state) => out[state]!,
  }
}
