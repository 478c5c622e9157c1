// Owner lookup precedence on the fixture contact files and the real @ip-location-db/asn data.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { lookupAsns } from './asn-db.ts'
import { parseContactFile, readContactFile } from './contact-file.ts'
import { parseIp, parsePrefix } from './ip.ts'
import { resolveOwners } from './resolve.ts'

const FIX = join(import.meta.dirname, '../../../test/fixtures/notify')
const abuse = readContactFile(join(FIX, 'abuse-contacts.csv'))
const prefixes = readContactFile(join(FIX, 'cert-prefixes.csv'))

test('a contact file loads its good rows and reports each bad one with its line', () => {
  assert.equal(abuse.byPrefix.size, 5)
  assert.deepEqual([...abuse.byAsn.keys()], [13335])
  assert.deepEqual(
    abuse.issues.map((i) => [i.line, i.message.split(':')[0]]),
    [
      [7, 'not an IP, prefix or AS number'],
      [8, 'not one plain e-mail address'],
    ],
  )
  const noNetwork = parseContactFile('org,email\nA,a@example.org\n', 'x.csv')
  assert.match(noNetwork.issues[0]!.message, /no network column/)
  assert.match(readContactFile(join(FIX, 'missing.csv')).issues[0]!.message, /cannot read/)
})

test('IPs and prefixes are parsed strictly (no inet_aton forms), mapped IPv6 is IPv4', () => {
  assert.equal(parseIp('1'), undefined)
  assert.equal(parseIp('0x7f.1'), undefined)
  assert.equal(parseIp('192.0.2.256'), undefined)
  assert.deepEqual(parseIp('::ffff:192.0.2.9'), parseIp('192.0.2.9'))
  assert.deepEqual(parsePrefix('192.0.2.77/24'), parsePrefix('192.0.2.0/24'))
  assert.equal(parsePrefix('192.0.2.0/33'), undefined)
})

test('precedence: target record, abuse CSV, CERT prefix file, then ASN data', async () => {
  const targets = [
    {
      id: 'record',
      ip: '192.0.2.7',
      owner: { email: 'Admin@Mail.Example.ORG', organisation: 'Own' },
    },
    { id: 'exact-ip', ip: '192.0.2.7' },
    { id: 'in-24', ip: '192.0.2.9' },
    { id: 'mapped', ip: '::ffff:192.0.2.9' },
    { id: 'abuse-before-prefix', ip: '198.51.100.5' },
    { id: 'prefix-after-no-email', ip: '203.0.113.5' },
    { id: 'prefix-over-asn', ip: '1.0.0.1' },
    { id: 'v6', ip: '2001:db8::1' },
    { id: 'hostname', ip: undefined },
  ]
  const { owners } = await resolveOwners(targets, { abuse: [abuse], prefixes: [prefixes] })
  const got = (id: string) => {
    const o = owners.get(id)
    return o && [o.source, o.email, o.matched]
  }
  assert.deepEqual(got('record'), ['target', 'Admin@mail.example.org', 'target record'])
  assert.deepEqual(got('exact-ip'), ['abuse-csv', 'postmaster@customer.example', '192.0.2.7'])
  assert.deepEqual(got('in-24'), ['abuse-csv', 'abuse@hosting.example', '192.0.2.0/24'])
  assert.equal(owners.get('in-24')?.language, 'de')
  assert.deepEqual(got('mapped'), got('in-24'))
  assert.deepEqual(got('abuse-before-prefix'), [
    'abuse-csv',
    'noc@docnet.example',
    '198.51.100.0/24',
  ])
  // The abuse CSV's /25 names only an organisation: the prefix file's e-mail wins over it.
  assert.deepEqual(got('prefix-after-no-email'), [
    'prefix-file',
    'cert@university.example',
    '203.0.113.0/24',
  ])
  assert.deepEqual(got('prefix-over-asn'), ['prefix-file', 'ops@override.example', '1.0.0.0/24'])
  assert.deepEqual(got('v6'), ['abuse-csv', 'v6-abuse@example.net', '2001:db8::/32'])
  assert.equal(owners.get('hostname'), undefined, 'host names are never resolved')
})

test('ASN data: organisation from the shipped ranges, e-mail from an AS row of the abuse CSV', async () => {
  const { owners, asn } = await resolveOwners(
    [
      { id: 'cf', ip: '1.0.0.1' },
      { id: 'google', ip: '8.8.8.8' },
      { id: 'v6', ip: '2001:200::1' },
      { id: 'none', ip: '0.0.0.1' },
    ],
    { abuse: [abuse] },
  )
  assert.deepEqual(owners.get('cf'), {
    email: 'abuse@cloudflare.example',
    organisation: 'Cloudflare, Inc.',
    language: undefined,
    source: 'asn',
    matched: 'AS13335',
    asn: 13335,
  })
  assert.equal(owners.get('google')?.organisation, 'Google LLC')
  assert.equal(owners.get('google')?.email, undefined, 'ASN data has no e-mail')
  assert.equal(owners.get('v6')?.asn, 2500)
  assert.equal(owners.get('none'), undefined)
  assert.ok(asn && asn.rowsRead > 500_000, `both files streamed (${asn?.rowsRead} rows)`)
})

test('ASN ranges that overlap (the npm copy has one) resolve to the narrowest range', async () => {
  // In 2.3.2026061719 row 3596550144-3607166975 is followed by 3607101440-3607167999 (AS721).
  const ip = parseIp('215.0.0.1')!
  const r = await lookupAsns([ip])
  assert.equal([...r.hits.values()][0]?.asn, 721)
  // The same on a file of our own, in the reverse order, with a broken row in between.
  const dir = tmpDir()
  writeFileSync(
    join(dir, 'asn-ipv4-num.csv'),
    '3221225984,3221226239,64501,"Narrow, Inc."\nnonsense\n3221225472,3221291007,64500,Wide\n',
  )
  const own = await lookupAsns([parseIp('192.0.2.1')!, parseIp('192.0.3.1')!], dir)
  assert.deepEqual(
    [...own.hits.values()].map((h) => [h.asn, h.organisation]),
    [
      [64501, 'Narrow, Inc.'],
      [64500, 'Wide'],
    ],
  )
  assert.deepEqual(
    own.issues.map((i) => i.line),
    [2],
  )
  const missing = await lookupAsns([parseIp('2001:db8::1')!], dir)
  assert.match(missing.issues[0]!.message, /not found/)
})
