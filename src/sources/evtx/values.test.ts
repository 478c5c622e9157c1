// Value types of BinXML substitutions, from hand-made bytes (layouts: libyal/libevtx EVTX document,
// "Value types"; expected text as Windows renders it in an event's XML).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EvtxParseError } from './bytes.ts'
import { decodeValue, filetimeAt, guidAt, sidAt, VT } from './values.ts'

const b = (...bytes: number[]) => Uint8Array.from(bytes)
const le = (n: number | bigint, width: number) =>
  Array.from({ length: width }, (_, i) => Number((BigInt(n) >> BigInt(8 * i)) & 0xffn))
const utf16 = (s: string) => [...Buffer.from(s, 'utf16le')]
const dec = (bytes: number[], type: number) =>
  decodeValue(Uint8Array.from(bytes), 0, bytes.length, type)

describe('evtx value types', () => {
  it('strings: UTF-16 and ANSI, trailing NULs dropped', () => {
    assert.equal(dec([...utf16('cmd.exe'), 0, 0], VT.String), 'cmd.exe')
    assert.equal(dec([0x77, 0x33, 0x77, 0x70, 0], VT.AnsiString), 'w3wp')
    assert.equal(dec([], VT.String), '')
  })

  it('integers of every width, signed and unsigned', () => {
    assert.equal(dec([0xff], VT.Int8), -1)
    assert.equal(dec([0xff], VT.UInt8), 255)
    assert.equal(dec([0xfe, 0xff], VT.Int16), -2)
    assert.equal(dec([0xfe, 0xff], VT.UInt16), 65534)
    assert.equal(dec([0xff, 0xff, 0xff, 0xff], VT.Int32), -1)
    assert.equal(dec([0xff, 0xff, 0xff, 0xff], VT.UInt32), 4294967295)
    assert.equal(dec(le(2 ** 40 + 5, 8), VT.UInt64), 2 ** 40 + 5)
    // Past 2^53 a number would lie: the exact decimal text instead.
    assert.equal(
      dec([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], VT.UInt64),
      '18446744073709551615',
    )
    assert.equal(dec([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], VT.Int64), -1)
  })

  it('hex integers and size_t as Windows prints them', () => {
    assert.equal(dec(le(0x9cf992, 4), VT.HexInt32), '0x9cf992')
    assert.equal(dec([0, 0, 0, 0, 0, 0, 0, 0x80], VT.HexInt64), '0x8000000000000000')
    assert.equal(dec(le(0x24c, 8), VT.SizeT), '0x24c')
    assert.equal(dec(le(0x24c, 4), VT.SizeT), '0x24c')
  })

  it('floats and bools (any non-zero is true)', () => {
    const f = Buffer.alloc(8)
    f.writeDoubleLE(1.5)
    assert.equal(dec([...f], VT.Real64), 1.5)
    f.writeFloatLE(0.25)
    assert.equal(dec([...f.subarray(0, 4)], VT.Real32), 0.25)
    assert.equal(dec([1, 0, 0, 0], VT.Bool), true)
    assert.equal(dec([0xff, 0xff, 0xff, 0xff], VT.Bool), true)
    assert.equal(dec([0, 0, 0, 0], VT.Bool), false)
  })

  it('GUID, SID, binary', () => {
    const guid = [
      0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb,
      0xd9,
    ]
    assert.equal(guidAt(Uint8Array.from(guid), 0), '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}')
    const sid = [1, 2, 0, 0, 0, 0, 0, 5, ...le(32, 4), ...le(544, 4)]
    assert.deepEqual(sidAt(Uint8Array.from(sid), 0, sid.length), ['S-1-5-32-544', 16])
    assert.equal(dec(sid, VT.Sid), 'S-1-5-32-544')
    assert.equal(dec([0x02, 0, 0xc0, 0xa8], VT.Binary), '0200C0A8')
  })

  it('FILETIME with 100 ns precision and SYSTEMTIME', () => {
    // 2019-05-24T01:33:53.1124866Z (Sysmon sample, TimeCreated): 132031412331124866 ticks.
    assert.equal(
      filetimeAt(Uint8Array.from(le(132031352331124866n, 8)), 0),
      '2019-05-24T01:33:53.1124866Z',
    )
    assert.equal(filetimeAt(Uint8Array.from(le(0, 8)), 0), '1601-01-01T00:00:00.0000000Z')
    const st = [
      ...le(2021, 2),
      ...le(3, 2),
      ...le(2, 2),
      ...le(3, 2),
      ...le(4, 2),
      ...le(5, 2),
      ...le(6, 2),
      ...le(7, 2),
    ]
    assert.equal(dec(st, VT.SysTime), '2021-03-03T04:05:06.007Z')
  })

  it('arrays of strings (empty items kept), integers, SIDs', () => {
    const strs = [...utf16('a'), 0, 0, 0, 0, ...utf16('13'), 0, 0]
    assert.deepEqual(dec(strs, VT.Array | VT.String), ['a', '', '13'])
    assert.deepEqual(dec([...le(1, 2), ...le(2, 2)], VT.Array | VT.UInt16), ['1', '2'])
    assert.deepEqual(dec([...le(0x10, 4), ...le(0x20, 4)], VT.Array | VT.HexInt32), [
      '0x10',
      '0x20',
    ])
    const sid = [1, 1, 0, 0, 0, 0, 0, 5, ...le(18, 4)]
    assert.deepEqual(dec([...sid, ...sid], VT.Array | VT.Sid), ['S-1-5-18', 'S-1-5-18'])
  })

  it('a value that does not fit its bytes is a parse error, not garbage', () => {
    assert.throws(() => dec([1, 2], VT.UInt32), EvtxParseError)
    assert.throws(() => decodeValue(b(1, 2), 0, 8, VT.UInt64), EvtxParseError)
    assert.throws(() => dec([1, 9, 0, 0, 0, 0, 0, 5], VT.Sid), EvtxParseError)
  })
})
