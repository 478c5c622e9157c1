import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildAutomaton } from '../../shared/aho-corasick.ts'
import { WasmDfa } from './dfa-wasm.ts'

/** Every hit of the JS automaton: [end, sorted needle ids]. */
function jsHits(needles: string[], buf: Uint8Array): string[] {
  const ac = buildAutomaton(needles.map((n) => Buffer.from(n)))
  assert.ok(ac)
  const out: string[] = []
  let from = 0
  let state = 0
  for (;;) {
    const end = ac.scan(buf, from, state)
    if (end < 0) return out
    out.push(`${end}:${[...ac.outputs(ac.lastState)].sort()}`)
    from = end
    state = ac.lastState
  }
}

function wasmHits(needles: string[], buf: Uint8Array): string[] | null {
  const ac = buildAutomaton(needles.map((n) => Buffer.from(n)))
  assert.ok(ac)
  const dfa = WasmDfa.create(ac.tables)
  assert.ok(dfa)
  const r = dfa.scan(buf)
  if (!r) return null
  return Array.from(
    { length: r.count },
    (_, i) => `${r.ends[i]}:${[...ac.outputs(r.states[i]!)].sort()}`,
  )
}

/** Deterministic text over a small alphabet so needles hit often, with lines of varied length. */
function text(seed: number, length: number, newlineEvery: number): Buffer {
  let x = seed
  const rnd = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    return x
  }
  const alphabet = 'abcAB/.x '
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) {
    out[i] = newlineEvery > 0 && rnd() % newlineEvery === 0 ? 10 : alphabet.charCodeAt(rnd() % 9)
  }
  return out
}

describe('wasm DFA (four interleaved streams)', () => {
  const needles = ['ab', 'bca', 'a/b', 'cab.', 'x', 'abcab', 'b ']

  test('reports the same hits as the JS automaton, in order, whatever the block size', () => {
    for (const [seed, len, nl] of [
      [1, 100, 7],
      [2, 5000, 40],
      [3, 70_000, 300],
      [4, 3_000_000, 2000], // bigger than one staged piece
      [5, 1_200_000, 0], // no newline at all: one stream, state carried across pieces
      [6, 4096 * 4 + 3, 1], // nothing but newlines now and then
    ] as const) {
      const buf = text(seed, len, nl)
      // Short needles would overflow the hit buffer (64 Ki per piece) on the big blocks.
      const set = len > 100_000 ? ['abcab', 'cab.', 'a/b', 'bca/'] : needles
      assert.deepEqual(wasmHits(set, buf), jsHits(set, buf), `seed ${seed}`)
    }
  })

  test('a block with more hits than fit returns null (the caller falls back to JS)', () => {
    const buf = Buffer.alloc(200_000, 'a')
    assert.equal(wasmHits(['a'], buf), null)
    assert.deepEqual(wasmHits(['zz'], buf), [])
  })

  test('case folds ASCII like the JS tables, and a hit at the very last byte counts', () => {
    const buf = Buffer.from(`${'q'.repeat(9000)}\nPOST /OWA/Auth/\n${'q'.repeat(9000)}\n/owa/auth/`)
    const hits = wasmHits(['/owa/auth/', 'post'], buf)
    assert.deepEqual(hits, jsHits(['/owa/auth/', 'post'], buf))
    assert.equal(hits?.length, 3)
    assert.equal(hits?.at(-1), `${buf.length}:0`)
  })
})

describe('wasm newline count (16 bytes at a time)', () => {
  test('counts what a byte loop counts, over any range of the staged block', () => {
    const ac = buildAutomaton([Buffer.from('zz')])
    assert.ok(ac)
    const dfa = WasmDfa.create(ac.tables)
    assert.ok(dfa)
    const block = text(9, 70_000, 30)
    dfa.scan(block)
    for (const [from, to] of [
      [0, block.length],
      [1, 17],
      [5, 5],
      [3, 40_001],
      [block.length - 15, block.length],
    ] as const) {
      let want = 0
      for (let i = from; i < to; i++) if (block[i] === 10) want++
      assert.equal(dfa.countNewlines(block, from, to), want, `${from}..${to}`)
    }
    // Another block than the one scanned: not in wasm memory, the caller counts.
    assert.equal(dfa.countNewlines(Buffer.from('a\nb'), 0, 3), -1)
  })
})
