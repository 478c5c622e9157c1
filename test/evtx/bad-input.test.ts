// Bad input for the EVTX reader (issue 16, "Bad input"): truncated files, bad chunk magic and checksums,
// a bad string table, zero-size and huge records, random bytes named .evtx, then seeded fuzzing of real
// samples. Always: no throw, no hang, one error per bad chunk, every readable record kept, and nothing
// yielded that the clean file does not hold.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { EventRecord } from '../../src/shared/event-record.ts'
import type { ItemError } from '../../src/shared/types.ts'
import { readAllEvtx, readEvtxFile } from '../../src/sources/evtx/reader.ts'
import { corpusPath, corpusSkip } from '../helpers/corpus.ts'
import { tmpDir } from '../helpers/tmp.ts'

const HEADER = 0x1000
const CHUNK = 0x10000
const dir = tmpDir('exhunt-evtx-')
let n = 0

/** Seeded PRNG (mulberry32): the same corruptions on every run, and a failing seed can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function parse(bytes: Uint8Array, name = `f${n++}.evtx`) {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  const t0 = performance.now()
  const r = await readAllEvtx(path, name)
  return { ...r, ms: performance.now() - t0 }
}

const key = (r: EventRecord) => `${r.source.offset}`

function assertOneErrorPerChunk(errors: readonly ItemError[], label: string): void {
  const seen = new Set<string>()
  for (const e of errors) {
    assert.match(e.code, /^EXH_ERR_EVTX_/, label)
    const k = /^chunk (\d+)/.exec(e.message)?.[1] ?? 'header'
    assert.ok(!seen.has(k), `${label}: two errors for chunk ${k}`)
    seen.add(k)
  }
}

/** Every readable record of the damaged copy sits where the clean file has a record. */
function assertSubset(
  got: readonly EventRecord[],
  clean: ReadonlySet<string>,
  label: string,
): void {
  for (const r of got)
    if (r.damaged === undefined)
      assert.ok(clean.has(key(r)), `${label}: record at ${key(r)} is not in the clean parse`)
}

describe('evtx bad input (no corpus needed)', () => {
  it('random bytes named .evtx: one header error, no records', async () => {
    const next = rng(7)
    const junk = Uint8Array.from({ length: 200_000 }, () => Math.floor(next() * 256))
    const r = await parse(junk)
    assert.deepEqual(r.records, [])
    assert.equal(r.errors.length, 1)
    assert.equal(r.errors[0]?.code, 'EXH_ERR_EVTX_HEADER')
  })

  it('an empty file and a file shorter than its header', async () => {
    for (const bytes of [new Uint8Array(0), Buffer.from('ElfFile\0short')]) {
      const r = await parse(bytes)
      assert.deepEqual(r.records, [])
      assert.equal(r.errors.length, 1)
      assert.match(r.errors[0]?.code ?? '', /^EXH_ERR_EVTX_(HEADER|TRUNCATED)$/)
    }
  })

  it('a header of zeros followed by nothing but zeros: one header error, no chunk errors', async () => {
    const r = await parse(new Uint8Array(HEADER + 3 * CHUNK))
    assert.deepEqual(r.records, [])
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ['EXH_ERR_EVTX_HEADER'],
    )
  })
})

describe('evtx bad input (real samples damaged)', { skip: corpusSkip }, () => {
  const SAMPLE = 'parser-samples/security.evtx' // 26 used chunks, 2261 records, no damage
  const load = () => new Uint8Array(readFileSync(corpusPath('evtx', SAMPLE)))
  let cleanRecords: EventRecord[] = []
  let clean = new Set<string>()
  const perChunk = (c: number) => cleanRecords.filter((r) => r.source.chunk === c).length

  it('the clean sample reads without error (the baseline)', async () => {
    const r = await readAllEvtx(corpusPath('evtx', SAMPLE), 'clean.evtx')
    assert.deepEqual(r.errors, [])
    cleanRecords = r.records
    clean = new Set(r.records.map(key))
    assert.equal(r.records.length, 2261)
  })

  it('truncated inside chunk 3: chunks 0-2 whole, the complete records of chunk 3, one EXH_ERR_EVTX_TRUNCATED', async () => {
    const cut = HEADER + 3 * CHUNK + 0x6000
    const r = await parse(load().subarray(0, cut))
    const whole = perChunk(0) + perChunk(1) + perChunk(2)
    assert.ok(r.records.length > whole, `${r.records.length} <= ${whole}`)
    assert.ok(r.records.length < whole + perChunk(3))
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ['EXH_ERR_EVTX_TRUNCATED'],
    )
    assertSubset(r.records, clean, 'truncated')
  })

  it('bad chunk magic: that chunk is one EXH_ERR_EVTX_CHUNK, every other record is kept', async () => {
    const b = load()
    b.set(Buffer.from('NotChnk!'), HEADER + CHUNK)
    const r = await parse(b)
    assert.equal(r.records.length, 2261 - perChunk(1))
    assert.deepEqual(
      r.errors.map((e) => [e.code, /^chunk (\d+)/.exec(e.message)?.[1]]),
      [['EXH_ERR_EVTX_CHUNK', '1']],
    )
  })

  it('bad header checksum and a bad string table: EXH_ERR_EVTX_CHECKSUM, all records kept', async () => {
    const b = load()
    b[HEADER + 2 * CHUNK + 100] = (b[HEADER + 2 * CHUNK + 100] as number) ^ 0xff // unused header bytes
    b.fill(0xee, HEADER + 4 * CHUNK + 128, HEADER + 4 * CHUNK + 384) // the common string offsets
    const r = await parse(b)
    assert.equal(r.records.length, 2261)
    assert.deepEqual(
      r.errors.map((e) => [e.code, /^chunk (\d+)/.exec(e.message)?.[1]]),
      [
        ['EXH_ERR_EVTX_CHECKSUM', '2'],
        ['EXH_ERR_EVTX_CHECKSUM', '4'],
      ],
    )
  })

  it('a record of size zero and a huge record: the records before them kept, one error each chunk', async () => {
    const b = load()
    const dv = new DataView(b.buffer)
    // Third record of chunk 0 and of chunk 5: walk the sizes to find them.
    const nth = (chunk: number, k: number) => {
      let at = HEADER + chunk * CHUNK + 512
      for (let i = 0; i < k; i++) at += dv.getUint32(at + 4, true)
      return at
    }
    dv.setUint32(nth(0, 2) + 4, 0, true)
    dv.setUint32(nth(5, 2) + 4, 0x7ffffff0, true)
    const r = await parse(b)
    assert.equal(r.records.length, 2261 - (perChunk(0) - 2) - (perChunk(5) - 2))
    assert.deepEqual(
      r.errors.map((e) => [e.code, /^chunk (\d+)/.exec(e.message)?.[1]]),
      [
        ['EXH_ERR_EVTX_RECORD', '0'],
        ['EXH_ERR_EVTX_RECORD', '5'],
      ],
    )
    assertSubset(r.records, clean, 'sizes')
  })

  it('a damaged file header: one EXH_ERR_EVTX_HEADER, the chunks are still read', async () => {
    const b = load()
    b.fill(0x41, 0, 64)
    const r = await parse(b)
    assert.equal(r.records.length, 2261)
    assert.deepEqual(
      r.errors.map((e) => e.code),
      ['EXH_ERR_EVTX_HEADER'],
    )
  })

  it('streams in constant memory: 300 chunks (~20 MB) with the heap flat', async () => {
    const src = load()
    const chunks = 300
    const big = new Uint8Array(HEADER + chunks * CHUNK)
    big.set(src.subarray(0, HEADER))
    for (let i = 0; i < chunks; i++)
      big.set(
        src.subarray(HEADER + (i % 26) * CHUNK, HEADER + ((i % 26) + 1) * CHUNK),
        HEADER + i * CHUNK,
      )
    const path = join(dir, 'big.evtx')
    writeFileSync(path, big)
    global.gc?.()
    const base = process.memoryUsage().heapUsed
    let peak = 0
    let count = 0
    for await (const batch of readEvtxFile(path)) {
      count += batch.records.length
      peak = Math.max(peak, process.memoryUsage().heapUsed - base)
    }
    assert.ok(count > 20_000, `${count} records`)
    // The file is ~20 MB; its records as objects would be far more. A streaming reader stays well under.
    assert.ok(peak < 48 * 1024 * 1024, `heap grew by ${Math.round(peak / 1e6)} MB`)
  })
})

describe('evtx fuzz: seeded corruptions of real samples', { skip: corpusSkip }, () => {
  const samples = [
    'EVTX-ATTACK-SAMPLES/Lateral Movement/LM_typical_IIS_webshell_sysmon_1_10_traces.evtx',
    'EVTX-ATTACK-SAMPLES/WinDefender_Events_1117_1116_AtomicRedTeam.evtx',
    'parser-samples/MSExchange_Management_wec.evtx',
    'parser-samples/Security_short_selected.evtx',
    'parser-samples/system.evtx',
    'parser-samples/E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
  ]
  const ROUNDS = Number(process.env.EVTX_FUZZ_ROUNDS ?? 40)
  const PER_FILE_MS = 5000

  for (const sample of samples) {
    it(`${sample.split('/').pop()}: ${ROUNDS} corruptions (flip, truncate, zero, header fields)`, async () => {
      const original = new Uint8Array(readFileSync(corpusPath('evtx', sample)))
      const base = await readAllEvtx(corpusPath('evtx', sample), 'clean')
      const clean = new Set(base.records.map(key))
      const next = rng(0x16_0000 + sample.length)
      const pick = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo))
      const usedEnd = Math.min(original.length, HEADER + 2 * CHUNK)
      for (let round = 0; round < ROUNDS; round++) {
        const b = original.slice()
        const kind = round % 5
        let label = ''
        if (kind === 0) {
          const flips = pick(1, 64)
          for (let i = 0; i < flips; i++) {
            const at = pick(0, usedEnd)
            b[at] = (b[at] as number) ^ (1 << pick(0, 8))
          }
          label = `flip ${flips}`
        } else if (kind === 1) {
          const cut = pick(0, original.length)
          label = `truncate ${cut}`
          const r = await parse(b.subarray(0, cut))
          check(r, label)
          continue
        } else if (kind === 2) {
          const from = pick(0, usedEnd)
          const len = pick(1, 4096)
          b.fill(0, from, from + len)
          label = `zero ${from}+${len}`
        } else if (kind === 3) {
          // The fields a parser trusts: free-space and last-record offsets, string and template tables.
          const chunk =
            HEADER + pick(0, Math.max(1, Math.floor((usedEnd - HEADER) / CHUNK))) * CHUNK
          const at = chunk + [44, 48, 128 + 4 * pick(0, 64), 384 + 4 * pick(0, 32)][pick(0, 4)]!
          new DataView(b.buffer).setUint32(at, Math.floor(next() * 2 ** 32), true)
          label = `field @${at}`
        } else {
          // Random bytes over a record's BinXML (names, template offsets, value sizes).
          const from = pick(HEADER + 512, usedEnd - 64)
          for (let i = 0; i < 32; i++) b[from + i] = pick(0, 256)
          label = `garbage @${from}`
        }
        check(await parse(b), label)
      }

      function check(
        r: { records: EventRecord[]; errors: ItemError[]; ms: number },
        label: string,
      ) {
        assert.ok(r.ms < PER_FILE_MS, `${label}: ${Math.round(r.ms)} ms`)
        assertOneErrorPerChunk(r.errors, label)
        assertSubset(r.records, clean, label)
        assert.ok(r.records.length <= base.records.length + 64, label)
      }
    })
  }
})
