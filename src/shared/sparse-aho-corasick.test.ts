import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildAutomaton, type NeedleAutomaton } from './aho-corasick.ts'
import { buildSparseAutomaton } from './sparse-aho-corasick.ts'

/** Every (end offset, needle ids) the automaton reports, scanning as the log prefilter does. */
function hits(ac: NeedleAutomaton, buf: Uint8Array): string[] {
  const out: string[] = []
  let from = 0
  let state = 0
  for (;;) {
    const end = ac.scan(buf, from, state)
    if (end < 0) return out
    out.push(`${end}:${[...ac.outputs(ac.lastState)].sort((a, b) => a - b).join(',')}`)
    from = end
    state = ac.lastState
  }
}

/**
 * The same by brute force: at each end offset, every substring ending there of a needle's length,
 * looked up among the needles (ASCII case folded).
 */
function bruteHits(needles: readonly Uint8Array[], buf: Uint8Array): string[] {
  const key = (b: Uint8Array) =>
    Buffer.from(b)
      .toString('latin1')
      .replace(/[A-Z]/g, (c) => c.toLowerCase())
  const ids = new Map<string, number[]>()
  needles.forEach((n, id) => {
    if (n.length > 0) ids.set(key(n), [...(ids.get(key(n)) ?? []), id])
  })
  const lengths = [...new Set(needles.map((n) => n.length))].filter((l) => l > 0)
  const out: string[] = []
  for (let end = 1; end <= buf.length; end++) {
    const found = lengths
      .filter((l) => l <= end)
      .flatMap((l) => ids.get(key(buf.subarray(end - l, end))) ?? [])
    if (found.length > 0) out.push(`${end}:${found.sort((a, b) => a - b).join(',')}`)
  }
  return out
}

function rng(seed: number): (n: number) => number {
  let x = seed
  return (n) => {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff
    return x % n
  }
}

/** A domain-like feed of `n` distinct indicators. */
function feed(n: number): Uint8Array[] {
  const r = rng(n)
  const out = new Set<string>()
  while (out.size < n) {
    out.add(`${r(2) ? 'mail' : 'cdn'}${r(100000)}.ex${r(1000)}.${['com', 'net', 'ru'][r(3)]}`)
  }
  return [...out].map((s) => Buffer.from(s))
}

describe('sparse Aho-Corasick (huge needle sets)', () => {
  test('reports exactly the needle ends a brute-force search finds', () => {
    // A small alphabet makes prefixes, suffixes, overlaps and repeats of one another common.
    const r = rng(7)
    const alphabet = ['a', 'b', 'A', 'c', '.', '\u00e9']
    const word = (len: number) =>
      Array.from({ length: len }, () => alphabet[r(alphabet.length)]).join('')
    for (let round = 0; round < 40; round++) {
      const needles = Array.from({ length: 1 + r(30) }, () => Buffer.from(word(1 + r(5))))
      needles.push(Buffer.from(needles[0]!)) // a duplicate reports both ids
      const text = Buffer.from(word(200))
      const sparse = buildSparseAutomaton(needles)
      assert.ok(sparse)
      const want = bruteHits(needles, text)
      assert.deepEqual(hits(sparse, text), want)
      // And the dense DFA agrees (same contract, the one the prefilter uses for small sets).
      const dense = buildAutomaton(needles)
      assert.ok(dense)
      assert.deepEqual(hits(dense, text), want)
    }
  })

  test('a 20,000-indicator feed finds what brute force finds', () => {
    const needles = feed(20_000)
    const r = rng(3)
    const parts: string[] = []
    for (let i = 0; i < 300; i++) {
      parts.push(
        r(3) === 0
          ? needles[r(needles.length)]!.toString().toUpperCase()
          : `x${r(99999)}.ex${r(999)}.com`,
      )
    }
    const text = Buffer.from(parts.join(' GET /owa/ '))
    const ac = buildSparseAutomaton(needles)
    assert.ok(ac)
    assert.deepEqual(hits(ac, text), bruteHits(needles, text))
  })

  test('building is linear in the feed: steps per needle byte stay bounded from 5,000 to 50,000', () => {
    // Counted, not timed: bytes walked while inserting plus failure links followed.
    const perByte = (n: number) => {
      const needles = feed(n)
      const bytes = needles.reduce((s, b) => s + b.length + 1, 0)
      const ac = buildSparseAutomaton(needles)
      assert.ok(ac)
      return ac.buildSteps / bytes
    }
    const small = perByte(5_000)
    const large = perByte(50_000)
    assert.ok(large < 3, `${large} steps per byte`)
    assert.ok(large < small * 1.5, `${small} → ${large} steps per byte`)
  })

  test('a feed past the size limit is refused, not built', () => {
    assert.equal(buildSparseAutomaton([new Uint8Array((1 << 23) + 1)]), null)
  })
})
