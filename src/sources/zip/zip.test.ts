import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { text } from 'node:stream/consumers'
import { test } from 'node:test'
import { deflateRawSync } from 'node:zlib'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { makeZip } from '../../../test/helpers/zip-writer.ts'
import { checkEntryName } from './entry-name.ts'
import { openZipEntry } from './entry-stream.ts'
import { readZipDirectory } from './index.ts'
import type { ZipEntry } from './zip-types.ts'

function write(buf: Buffer, name = 'a.zip'): string {
  const p = join(tmpDir(), name)
  writeFileSync(p, buf)
  return p
}

function open(archive: string, e: ZipEntry) {
  return openZipEntry({ archive, entryName: e.name, ...e })
}

async function readError(archive: string, e: ZipEntry): Promise<string> {
  try {
    await text(open(archive, e))
  } catch (err) {
    return (err as { code: string }).code
  }
  return 'no error'
}

test('lists and reads stored and deflated entries', async () => {
  const log = '#Fields: DateTime,ClientIpAddress\n2021-03-02T01:02:03Z,1.2.3.4\n'.repeat(50)
  const zip = write(
    makeZip([
      { name: 'C/inetpub/a.log', data: log },
      { name: 'b.txt', data: 'hi', method: 0 },
    ]),
  )
  const { entries, errors } = await readZipDirectory(zip)
  assert.deepEqual(errors, [])
  assert.deepEqual(
    entries.map((e) => [e.name, e.method, e.size]),
    [
      ['C/inetpub/a.log', 8, log.length],
      ['b.txt', 0, 2],
    ],
  )
  assert.equal(await text(open(zip, entries[0]!)), log)
  assert.equal(await text(open(zip, entries[1]!)), 'hi')
  assert.equal(entries[0]!.mtime, '2021-03-05T12:00:00.000Z')
})

test('reads zip64 records and extra fields', async () => {
  const zip = write(
    makeZip([{ name: 'x/y.aspx', data: '<%@ Page %>' }], { zip64: true, comment: 'c' }),
  )
  const { entries, errors } = await readZipDirectory(zip)
  assert.deepEqual(errors, [])
  assert.equal(entries[0]!.name, 'x/y.aspx')
  assert.equal(await text(open(zip, entries[0]!)), '<%@ Page %>')
})

test('refuses traversal names but keeps the other entries', async () => {
  const bad = [
    '../evil.aspx',
    '/etc/passwd',
    'C:/Windows/x.dll',
    '..\\..\\x.bat',
    'a/../../b',
    'a/.. /b',
    'x:stream',
  ]
  const zip = write(
    makeZip([...bad.map((name) => ({ name, data: 'x' })), { name: 'ok/file.log', data: 'fine' }]),
  )
  const { entries, errors } = await readZipDirectory(zip)
  assert.deepEqual(
    entries.map((e) => e.name),
    ['ok/file.log'],
  )
  assert.equal(errors.length, bad.length)
  assert.ok(errors.every((e) => e.code === 'EXH_ERR_ZIP_TRAVERSAL'))
  assert.equal(await text(open(zip, entries[0]!)), 'fine')
  assert.deepEqual(checkEntryName('dir\\sub\\f.txt'), { ok: true, name: 'dir/sub/f.txt' })
})

test('a lying declared size cannot inflate past the cap', async () => {
  const big = Buffer.alloc(5 * 1024 * 1024, 0x41)
  const zip = write(makeZip([{ name: 'bomb.log', data: big, declaredSize: 1000 }]))
  const { entries } = await readZipDirectory(zip)
  assert.equal(await readError(zip, entries[0]!), 'EXH_ERR_ZIP_BOMB')
})

test('declared size, ratio, total and entry-count caps', async () => {
  const big = Buffer.alloc(3 * 1024 * 1024, 0x41)
  const zip = write(
    makeZip([
      { name: 'r.log', data: big },
      { name: 's.log', data: 'abc', method: 0 },
      { name: 't.log', data: 'def' },
    ]),
  )
  let r = await readZipDirectory(zip)
  assert.deepEqual(
    r.errors.map((e) => [e.code, e.path.endsWith('!r.log')]),
    [['EXH_ERR_ZIP_BOMB', true]],
  )
  r = await readZipDirectory(zip, { maxRatio: 100_000, maxEntryBytes: 1024 })
  assert.equal(r.errors[0]?.code, 'EXH_ERR_ZIP_BOMB')
  r = await readZipDirectory(zip, { maxRatio: 100_000, maxTotalUncompressed: big.length + 3 })
  assert.deepEqual(
    r.entries.map((e) => e.name),
    ['r.log', 's.log'],
  )
  assert.equal(r.errors[0]?.code, 'EXH_ERR_ZIP_BOMB')
  r = await readZipDirectory(zip, { maxRatio: 100_000, maxEntries: 2 })
  assert.equal(r.entries.length, 2)
  assert.equal(r.errors[0]?.code, 'EXH_ERR_ZIP_TOO_MANY_ENTRIES')
})

test('encrypted, unsupported method and corrupt data are item errors', async () => {
  const zip = write(
    makeZip([
      { name: 'enc.txt', data: 'secret', flags: 1 },
      { name: 'lzma.txt', data: 'x', method: 14 },
      { name: 'junk.txt', data: 'abcdef', rawCompressed: Buffer.from([0xff, 0xff, 0xff, 0xff]) },
      { name: 'good.txt', data: 'good' },
    ]),
  )
  const { entries, errors } = await readZipDirectory(zip)
  assert.deepEqual(
    errors.map((e) => e.code),
    ['EXH_ERR_ZIP_ENCRYPTED', 'EXH_ERR_ZIP_METHOD'],
  )
  assert.equal(await readError(zip, entries[0]!), 'EXH_ERR_ZIP_CORRUPT')
  assert.equal(await text(open(zip, entries[1]!)), 'good')
  const crcBad = makeZip([{ name: 'c.txt', data: 'hello', method: 0 }])
  crcBad[30 + 5] = 0x48 // flip the first data byte, CRC now wrong
  const z2 = write(crcBad, 'crc.zip')
  const r2 = await readZipDirectory(z2)
  assert.equal(await readError(z2, r2.entries[0]!), 'EXH_ERR_ZIP_CORRUPT')
})

test('not a zip, truncated zip, overlapping entries', async () => {
  const notZip = write(Buffer.from('just text, no zip here'), 'n.zip')
  assert.equal((await readZipDirectory(notZip)).errors[0]?.code, 'EXH_ERR_ZIP_CORRUPT')
  const whole = makeZip([{ name: 'a.txt', data: 'aaaa' }])
  assert.equal(
    (await readZipDirectory(write(whole.subarray(0, whole.length - 10), 't.zip'))).errors[0]?.code,
    'EXH_ERR_ZIP_CORRUPT',
  )
  // Second central entry pointing at the first entry's local header: shared data.
  const two = makeZip([
    { name: 'a.txt', data: 'x'.repeat(100) },
    { name: 'b.txt', data: 'y'.repeat(100) },
  ])
  const cdStart = two.readUInt32LE(two.length - 22 + 16)
  const secondCd = cdStart + 46 + 'a.txt'.length
  two.writeUInt32LE(0, secondCd + 42)
  const r = await readZipDirectory(write(two, 'o.zip'))
  assert.equal(r.entries.length, 1)
  assert.equal(r.errors[0]?.code, 'EXH_ERR_ZIP_BOMB')
})

test('reads archives made by python zipfile', {
  skip: hasPython() ? false : 'python3 not available',
}, async () => {
  const dir = tmpDir()
  mkdirSync(join(dir, 'src', 'C', 'inetpub', 'wwwroot'), { recursive: true })
  writeFileSync(join(dir, 'src', 'C', 'inetpub', 'wwwroot', 'a.aspx'), 'page '.repeat(1000))
  writeFileSync(join(dir, 'src', 'empty.txt'), '')
  execFileSync('python3', [
    '-m',
    'zipfile',
    '-c',
    join(dir, 'p.zip'),
    join(dir, 'src', 'C'),
    join(dir, 'src', 'empty.txt'),
  ])
  const zip = join(dir, 'p.zip')
  const { entries, errors } = await readZipDirectory(zip)
  assert.deepEqual(errors, [])
  const aspx = entries.find((e) => e.name === 'C/inetpub/wwwroot/a.aspx')
  assert.ok(aspx, entries.map((e) => e.name).join(','))
  assert.equal(await text(open(zip, aspx)), 'page '.repeat(1000))
  const empty = entries.find((e) => e.name === 'empty.txt')!
  assert.equal(await text(open(zip, empty)), '')
  assert.equal(deflateRawSync('x').length > 0, true)
})

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'])
    return true
  } catch {
    return false
  }
}

/** NTFS extra field (0x000a): reserved, then tag 1 with modified, accessed and created FILETIMEs. */
function ntfsExtra(m: Date, a: Date, b: Date): Buffer {
  const ft = (d: Date) => BigInt(d.getTime()) * 10000n + 116444736000000000n
  const buf = Buffer.alloc(4 + 4 + 4 + 24)
  buf.writeUInt16LE(0x000a, 0)
  buf.writeUInt16LE(32, 2)
  buf.writeUInt16LE(1, 8)
  buf.writeUInt16LE(24, 10)
  buf.writeBigUInt64LE(ft(m), 12)
  buf.writeBigUInt64LE(ft(a), 20)
  buf.writeBigUInt64LE(ft(b), 28)
  return buf
}

test('NTFS extra-field times are exact UTC (modified and created), the DOS time is only a fallback', async () => {
  const m = new Date('2021-03-03T07:15:42.123Z')
  const b = new Date('2021-03-03T07:15:40.000Z')
  const zip = write(
    makeZip([
      { name: 'a/shell.aspx', data: 'x', centralExtra: ntfsExtra(m, m, b) },
      { name: 'a/plain.aspx', data: 'y' },
    ]),
  )
  const { entries, errors } = await readZipDirectory(zip)
  assert.deepEqual(errors, [])
  const [shell, plain] = entries
  assert.equal(shell?.mtime, m.toISOString())
  assert.equal(shell?.btime, b.toISOString())
  assert.equal(shell?.mtimeLocal, undefined)
  assert.equal(plain?.mtime, '2021-03-05T12:00:00.000Z')
  assert.equal(plain?.mtimeLocal, true)
})

test('Info-ZIP extended timestamps (0x5455) give the exact modification time', async (t) => {
  const dir = tmpDir()
  const file = join(dir, 'x.aspx')
  writeFileSync(file, '<%@ Page %>')
  const when = new Date('2021-03-02T23:59:30.000Z')
  utimesSync(file, when, when)
  try {
    execFileSync('zip', ['-q', 'z.zip', 'x.aspx'], {
      cwd: dir,
      env: { ...process.env, TZ: 'Asia/Tokyo' },
    })
  } catch {
    t.skip('Info-ZIP `zip` is not installed (apt-get install zip)')
    return
  }
  const { entries } = await readZipDirectory(join(dir, 'z.zip'))
  // The DOS time would read as 08:59:30 (Tokyo local time); the extra field holds the real instant.
  assert.equal(entries[0]?.mtime, when.toISOString())
  assert.equal(entries[0]?.mtimeLocal, undefined)
})
