// Target parsing: every form, ranges walked lazily, IPv6, bad items as per-line errors.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { networkKey } from '../../src/probe/address.ts'
import {
  itemTargets,
  lineItems,
  parseRange,
  parseTarget,
  readTargets,
  type TargetItem,
} from '../../src/probe/targets.ts'
import { tmpDir } from '../helpers/tmp.ts'

function one(item: string, sni?: string) {
  const t = parseTarget(item, sni ? { sni } : {})
  if (typeof t === 'string') throw new Error(t)
  return t.candidates.map(
    (c) => `${c.scheme}://${c.host}:${c.port}${c.serverName ? ` ${c.serverName}` : ''}`,
  )
}

describe('probe targets', () => {
  test('host, IP, host:port, URL, IPv6: endpoints in order, SNI/Host name', () => {
    assert.deepEqual(one('mail.example.test'), [
      'https://mail.example.test:443 mail.example.test',
      'http://mail.example.test:80 mail.example.test',
    ])
    assert.deepEqual(one('127.0.0.1'), ['https://127.0.0.1:443', 'http://127.0.0.1:80'])
    assert.deepEqual(one('127.0.0.1:8443'), ['https://127.0.0.1:8443', 'http://127.0.0.1:8443'])
    assert.deepEqual(one('127.0.0.1:80'), ['http://127.0.0.1:80'])
    assert.deepEqual(one('127.0.0.1:443'), ['https://127.0.0.1:443'])
    assert.deepEqual(one('https://127.0.0.1:8443'), ['https://127.0.0.1:8443'])
    assert.deepEqual(one('http://127.0.0.1'), ['http://127.0.0.1:80'])
    assert.deepEqual(one('https://Mail.Example.test/owa/'), [
      'https://mail.example.test:443 mail.example.test',
    ])
    assert.deepEqual(one('[::1]:8443'), ['https://::1:8443', 'http://::1:8443'])
    assert.deepEqual(one('::1'), ['https://::1:443', 'http://::1:80'])
    assert.deepEqual(one('https://[::1]:8443'), ['https://::1:8443'])
    assert.deepEqual(one('127.0.0.1:8443', 'mail.lab.test'), [
      'https://127.0.0.1:8443 mail.lab.test',
      'http://127.0.0.1:8443 mail.lab.test',
    ])
    const t = parseTarget('127.0.0.1')
    assert.ok(typeof t !== 'string' && t.candidates[0]?.ip === '127.0.0.1')
  })

  test('bad items: a clear reason each', () => {
    for (const [item, why] of [
      ['ftp://127.0.0.1', /only http/],
      ['https://user:pw@127.0.0.1', /credentials/],
      ['127.0.0.1:0', /out of range/],
      ['127.0.0.1:99999', /out of range/],
      ['127.0.0.1:abc', /not a port/],
      ['300.1.1.1', /not an IPv4/],
      ['bad_host!', /not a host name/],
      ['[zz::1]:80', /not an IPv6/],
    ] as const) {
      const r = parseTarget(item)
      assert.equal(typeof r, 'string', item)
      assert.match(r as string, why, item)
    }
  })

  test('CIDR: addresses walked lazily; network and broadcast skipped; limits', () => {
    const r = parseRange('127.0.0.0/30')
    assert.ok(r && typeof r !== 'string')
    assert.deepEqual([...r.addresses()], ['127.0.0.1', '127.0.0.2'])
    const r31 = parseRange('127.0.0.4/31')
    assert.ok(r31 && typeof r31 !== 'string')
    assert.deepEqual([...r31.addresses()], ['127.0.0.4', '127.0.0.5'])
    // A /8 is a generator, not a list: take three and stop.
    const big = parseRange('10.0.0.0/8')
    assert.ok(big && typeof big !== 'string')
    assert.equal(big.count, 2 ** 24 - 2)
    const it = big.addresses()
    assert.deepEqual(
      [it.next().value, it.next().value, it.next().value],
      ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
    )
    assert.match(parseRange('10.0.0.0/7') as string, /larger than/)
    assert.match(parseRange('10.0.0.0/33') as string, /not an IPv4 prefix/)
    const v6 = parseRange('::1/126')
    assert.ok(v6 && typeof v6 !== 'string')
    assert.deepEqual([...v6.addresses()], ['::', '::1', '::2', '::3'])
    assert.match(parseRange('fd00::/64') as string, /larger than the largest IPv6/)
    assert.equal(parseRange('mail.example.test'), undefined)
    // Every address of a range keeps the range as its input, with its own resume key.
    const items = [...itemTargets('127.0.0.0/30', 'argument')] as {
      target: { input: string; key: string }
    }[]
    assert.deepEqual(
      items.map((i) => i.target.input),
      ['127.0.0.0/30', '127.0.0.0/30'],
    )
    assert.notEqual(items[0]?.target.key, items[1]?.target.key)
  })

  test('a /16 streams in constant memory', () => {
    const before = process.memoryUsage().heapUsed
    let n = 0
    for (const _ of itemTargets('10.1.0.0/16', 'argument')) n++
    assert.equal(n, 65534)
    // Not a proof, a guard: a list of 65534 targets would hold tens of MB.
    assert.ok(process.memoryUsage().heapUsed - before < 30 * 1024 * 1024)
  })

  test('files and stdin: comments, blank lines, several items per line, errors with file:line', async () => {
    const dir = tmpDir('probe-targets')
    const f = join(dir, 'targets.txt')
    writeFileSync(
      f,
      '# lab\n127.0.0.1:8443, https://[::1]:9443\n\n   \nbad_host! # typo\n127.0.0.0/30\n',
    )
    const got: TargetItem[] = []
    for await (const i of readTargets([
      { file: f },
      { arg: 'mail.example.test' },
      { file: join(dir, 'missing.txt') },
    ]))
      got.push(i)
    const shown = got.map((i) =>
      'error' in i ? `ERR ${i.error.where} ${i.error.message}` : i.target.input,
    )
    assert.deepEqual(shown.slice(0, 6), [
      '127.0.0.1:8443',
      'https://[::1]:9443',
      `ERR ${f}:5 "bad_host!" is not a host name`,
      '127.0.0.0/30',
      '127.0.0.0/30',
      'mail.example.test',
    ])
    assert.match(shown[6] ?? '', /^ERR .*missing\.txt cannot read \(ENOENT\)/)
    assert.deepEqual(lineItems('a b,c\t d # e f'), ['a', 'b', 'c', 'd'])
  })

  test('per-network key: /24 and /64', () => {
    assert.equal(networkKey('127.0.1.77'), '127.0.1.0/24')
    assert.equal(networkKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
    assert.equal(networkKey('::1'), '::/64')
    assert.equal(networkKey('Mail.Example.test'), 'mail.example.test')
  })
})
