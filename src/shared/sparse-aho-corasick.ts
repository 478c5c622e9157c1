// Aho-Corasick for needle sets too big for the dense DFA of aho-corasick.ts (a user feed of 100,000
// indicators): the trie's edges in flat typed arrays (each state's children sorted by byte), failure
// links followed at scan time. Built in O(total bytes) after one sort, so a feed ten times larger
// costs about ten times as much (a RegExp alternation with a prefix table cost O(n²) and took 14.5 s
// for 20,000 indicators). Same contract as the dense automaton: ASCII letters fold, other bytes match
// exactly, `scan` stops at every position where a needle ends.
import type { NeedleAutomaton } from './aho-corasick.ts'

/**
 * Needle bytes past this are not built (about 22 bytes of arrays per trie state, so ~180 MB): the
 * caller must then look at every line, which is slow but bounded.
 */
export const MAX_SPARSE_BYTES = 1 << 23

const fold = (b: number) => (b >= 65 && b <= 90 ? b + 32 : b)

export interface SparseAutomaton extends NeedleAutomaton {
  /** Bytes walked and failure links followed while building: O(total needle bytes), for tests. */
  readonly buildSteps: number
}

/** null when the needles hold more than MAX_SPARSE_BYTES bytes. */
export function buildSparseAutomaton(needles: readonly Uint8Array[]): SparseAutomaton | null {
  let bytes = 0
  for (const n of needles) bytes += n.length
  if (bytes > MAX_SPARSE_BYTES) return null
  let steps = 0
  const folded = needles.map((n) => {
    const f = new Uint8Array(n.length)
    for (let i = 0; i < n.length; i++) f[i] = fold(n[i]!)
    return f
  })
  // Sorted, a needle shares with the trie exactly its common prefix with the one before it, so the
  // trie is built without looking any edge up, and each state's children come in byte order. (Keys
  // as latin1 strings: one char per byte, compared in JS, ten times faster than Buffer.compare.)
  const keys = folded.map((n) => Buffer.from(n.buffer, n.byteOffset, n.length).toString('latin1'))
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1))

  const cap = bytes + 1
  const parent = new Int32Array(cap)
  const edgeByte = new Uint8Array(cap)
  const depth = new Int32Array(cap)
  const outHead = new Int32Array(cap).fill(-1)
  const outNext = new Int32Array(needles.length).fill(-1)
  let states = 1
  const path = [0]
  let prev: Uint8Array = new Uint8Array(0)
  for (const id of order) {
    const n = folded[id]!
    let lcp = 0
    while (lcp < n.length && lcp < prev.length && n[lcp] === prev[lcp]) lcp++
    path.length = lcp + 1
    let s = path[lcp]!
    for (let i = lcp; i < n.length; i++) {
      const t = states++
      parent[t] = s
      edgeByte[t] = n[i]!
      depth[t] = i + 1
      path.push(t)
      s = t
    }
    steps += n.length + 1
    if (n.length === 0) continue
    outNext[id] = outHead[s]!
    outHead[s] = id
    prev = n
  }

  // Children of each state, contiguous (states are numbered in creation order, so in byte order).
  const first = new Int32Array(states + 1)
  for (let t = 1; t < states; t++) first[parent[t]! + 1]!++
  for (let s = 0; s < states; s++) first[s + 1]! += first[s]!
  const fill = first.slice(0, states)
  const childByte = new Uint8Array(Math.max(1, states - 1))
  const child = new Int32Array(Math.max(1, states - 1))
  for (let t = 1; t < states; t++) {
    const at = fill[parent[t]!]!++
    childByte[at] = edgeByte[t]!
    child[at] = t
  }
  const root = new Int32Array(256)
  for (let e = first[0]!; e < first[1]!; e++) root[childByte[e]!] = child[e]!

  const go = (s: number, c: number): number => {
    if (s === 0) return root[c]!
    let lo = first[s]!
    let hi = first[s + 1]! - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const b = childByte[mid]!
      if (b === c) return child[mid]!
      if (b < c) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }

  // Failure links in order of depth (a parent's link is known before its children's).
  const byDepth = new Int32Array(states)
  {
    let maxDepth = 0
    for (let t = 0; t < states; t++) if (depth[t]! > maxDepth) maxDepth = depth[t]!
    const start = new Int32Array(maxDepth + 2)
    for (let t = 0; t < states; t++) start[depth[t]! + 1]!++
    for (let d = 0; d <= maxDepth; d++) start[d + 1]! += start[d]!
    for (let t = 0; t < states; t++) byDepth[start[depth[t]!]!++] = t
  }
  const fail = new Int32Array(states)
  /** Nearest state on the failure chain where a needle ends (-1: none), and whether any ends here. */
  const outLink = new Int32Array(states).fill(-1)
  const hit = new Uint8Array(states)
  for (let k = 1; k < states; k++) {
    const t = byDepth[k]!
    const c = edgeByte[t]!
    let f = parent[t] === 0 ? -1 : fail[parent[t]!]!
    let target = 0
    while (f !== -1) {
      steps++
      const g = go(f, c)
      if (g > 0) {
        target = g
        break
      }
      f = f === 0 ? -1 : fail[f]!
    }
    fail[t] = target
    outLink[t] = outHead[target]! >= 0 ? target : outLink[target]!
    hit[t] = outHead[t]! >= 0 || outLink[t]! >= 0 ? 1 : 0
  }
  let lastState = 0
  return {
    buildSteps: steps,
    scan(buf, from, state) {
      let s = state
      const n = buf.length
      for (let i = from; i < n; i++) {
        const c = fold(buf[i]!)
        for (;;) {
          const t = go(s, c)
          if (t >= 0) {
            s = t
            break
          }
          s = fail[s]!
        }
        if (hit[s] === 1) {
          lastState = s
          return i + 1
        }
      }
      return -1
    },
    get lastState() {
      return lastState
    },
    outputs(state) {
      const ids: number[] = []
      for (let s = outHead[state]! >= 0 ? state : outLink[state]!; s >= 0; s = outLink[s]!) {
        for (let id = outHead[s]!; id >= 0; id = outNext[id]!) ids.push(id)
      }
      return ids
    },
  }
}
