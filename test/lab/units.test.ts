// The lab's building blocks: certificates, NTLM, the gzip bomb's arithmetic, options parsing.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { describe, test } from 'node:test'
import { crc32, gunzipSync } from 'node:zlib'
import { parseAddresses } from '../../src/lab/addresses.ts'
import { makeLabKey, selfSignedCert } from '../../src/lab/cert.ts'
import { crc32Combine, gzipBomb } from '../../src/lab/gzip-bomb.ts'
import { DEFAULT_CYCLE, defaultMix, parseSpec } from '../../src/lab/mix.ts'
import { ntlmChallenge, ntlmMessageType, readChallenge } from '../../src/lab/ntlm.ts'
import { HOSTILE_KINDS } from '../../src/lab/types.ts'

describe('certificates', () => {
  test('2000 certificates all parse, verify with the shared key, and name their host (serials with leading zeros included)', () => {
    const key = makeLabKey()
    for (let i = 0; i < 2000; i++) {
      const host = `mail${i}.lab.test`
      const x = new X509Certificate(selfSignedCert(key, host))
      assert.equal(x.subject, `CN=${host}`)
      assert.equal(x.subjectAltName, `DNS:${host}`)
      assert.ok(x.verify(x.publicKey))
      assert.equal(x.checkHost(host), host)
      assert.equal(x.ca, false)
    }
  })
})

describe('NTLM', () => {
  test('type of a message in NTLM and Negotiate headers; junk is no message', () => {
    const t1 = Buffer.from('TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==', 'base64')
    assert.deepEqual(ntlmMessageType(`NTLM ${t1.toString('base64')}`), { scheme: 'NTLM', type: 1 })
    assert.deepEqual(ntlmMessageType(`Negotiate ${t1.toString('base64')}`), {
      scheme: 'Negotiate',
      type: 1,
    })
    assert.equal(ntlmMessageType('Basic dXNlcjpwYXNz'), null)
    assert.equal(ntlmMessageType('NTLM ////'), null)
    assert.equal(ntlmMessageType(undefined), null)
  })
  test('a CHALLENGE carries the names and version it was given', () => {
    const c = readChallenge(
      ntlmChallenge({
        netbiosComputer: 'MAIL42',
        netbiosDomain: 'LAB',
        dnsComputer: 'mail42.lab.test',
        dnsDomain: 'lab.test',
        windows: '10.0.17763',
      }),
    )
    assert.deepEqual(c, {
      nbDomain: 'LAB',
      nbComputer: 'MAIL42',
      dnsDomain: 'lab.test',
      dnsComputer: 'mail42.lab.test',
      dnsTree: 'lab.test',
      version: '10.0.17763',
    })
  })
})

describe('gzip bomb', () => {
  test('crc32Combine agrees with zlib over concatenations', () => {
    const a = Buffer.from('hello ')
    const b = Buffer.alloc(100_000, 7)
    assert.equal(crc32Combine(crc32(a), crc32(b), b.length), crc32(Buffer.concat([a, b])))
  })
  test('small bombs are valid gzip (CRC and size checked by zlib) of exactly that many zeros', () => {
    for (const n of [1, 3, 64, 65]) {
      const bomb = gzipBomb(n)
      const out = gunzipSync(Buffer.concat([...bomb.pieces()]))
      assert.equal(out.length, n * 2 ** 20)
      assert.equal(bomb.inflatedBytes, out.length)
      assert.ok(out.every((x) => x === 0))
      assert.equal(bomb.compressedBytes, Buffer.concat([...bomb.pieces()]).length)
    }
  })
  test('the default: 5 GiB from about 5 MB', () => {
    const bomb = gzipBomb()
    assert.equal(bomb.inflatedBytes, 5 * 2 ** 30)
    assert.ok(bomb.compressedBytes < 6e6)
  })
})

describe('options', () => {
  test('build specs with options, kinds, and refusals', () => {
    assert.deepEqual(
      parseSpec('15.1.2176.2,mitigation=eomt,shell=/aspnet_client/x.aspx,reveal=3-part'),
      {
        kind: 'exchange',
        build: '15.1.2176.2',
        mitigation: 'eomt',
        shell: '/aspnet_client/x.aspx',
        reveal: '3-part',
      },
    )
    assert.deepEqual(parseSpec('gzip-bomb'), { kind: 'gzip-bomb' })
    assert.equal(parseSpec('15.1.2176.2', { mitigation: 'both' }).kind, 'exchange')
    assert.throws(() => parseSpec('15.1.2176'), { code: 'EXH_ERR_LAB' })
    assert.throws(() => parseSpec('15.1.2176.2,mitigation=all'), { code: 'EXH_ERR_LAB' })
  })
  test('address ranges: inclusive, .0 and .255 skipped, loopback only', () => {
    const a = parseAddresses('127.0.1.1-127.0.4.232')
    assert.equal(a[0], '127.0.1.1')
    assert.equal(a.at(-1), '127.0.4.232')
    assert.equal(a.length, 254 * 3 + 232)
    assert.ok(!a.includes('127.0.2.0') && !a.includes('127.0.1.255'))
    assert.deepEqual(parseAddresses('127.0.0.5, ::1'), ['127.0.0.5', '::1'])
    assert.throws(() => parseAddresses('10.0.0.1-10.0.0.9'), { code: 'EXH_ERR_LAB' })
    assert.throws(() => parseAddresses('127.0.0.9-127.0.0.1'), { code: 'EXH_ERR_LAB' })
  })
  test('default mix: the cycle, and every hostile kind once from 20 instances up', () => {
    const m = defaultMix(50)
    assert.equal(m.length, 50)
    for (const k of HOSTILE_KINDS) assert.equal(m.filter((s) => s.kind === k).length, 1, k)
    assert.ok(defaultMix(19).every((s) => s.kind === 'exchange' || s.kind === 'not-exchange'))
    const fams = new Set(
      DEFAULT_CYCLE.map((s) => (s.kind === 'exchange' ? s.build.slice(0, 4) : s.kind)),
    )
    for (const f of ['14.3', '15.0', '15.1', '15.2', 'not-exchange']) assert.ok(fams.has(f), f)
  })
})
