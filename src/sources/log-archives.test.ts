// Rotated logs compressed in place: discovery classifies them by name (never decompressing), and the
// reader streams them decompressed with caps: bombs and damage end in a coded error after the good part.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { buffer } from 'node:stream/consumers'
import { test } from 'node:test'
import { createGzip, gzipSync } from 'node:zlib'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { makeZip } from '../../test/helpers/zip-writer.ts'
import { discoverEvidence, type Evidence } from './discover.ts'
import { gunzipStream } from './gzip-stream.ts'
import { NESTED_LOG_ZIP_REASON } from './log-archives.ts'
import { openRef } from './open.ts'

const IIS = `#Software: Microsoft Internet Information Services 10.0
#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken
2021-03-01 00:00:01 10.0.0.5 GET /owa/ - 443 - 1.2.3.4 Mozilla/5.0 - 200 0 0 5
`

function tree(root: string, files: Record<string, string | Buffer>): string {
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), body)
  }
  return root
}

const byPath = (ev: Evidence) => new Map(ev.artefacts.map((a) => [a.path, a]))

/** A gzip of `line` repeated `times` times, made streaming: tiny on disk, huge decompressed. */
async function gzipBomb(line: string, times: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 })
  const out = buffer(gz)
  const block = Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length)))
  const blocks = Math.ceil((line.length * times) / block.length)
  for (let i = 0; i < blocks; i++)
    if (!gz.write(block)) await new Promise((r) => gz.once('drain', r))
  gz.end()
  return out
}

test('discovery: .gz and .zip logs in log folders are logs; a .gz elsewhere is not; nothing is decompressed', async () => {
  const logsZip = makeZip([
    { name: 'W3SVC1/u_ex210301.log', data: IIS },
    { name: 'W3SVC1/u_ex210302.log.gz', data: gzipSync(IIS), method: 0 },
    { name: 'readme.rtf', data: 'notes' },
  ])
  const root = tree(tmpDir(), {
    'C/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log.gz': gzipSync(IIS),
    // Not gzip at all: discovery must not notice (it reads names only); the reader reports it.
    'C/inetpub/logs/LogFiles/W3SVC1/u_ex210304.log.gz': 'not gzip',
    'C/inetpub/logs/LogFiles/W3SVC1-2021-03.zip': logsZip,
    'C/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa/HttpProxy_2021030101-1.gz':
      gzipSync('#Log-type: HttpProxy Logs\n'),
    'C/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa/HttpProxy_2021030102-1.LOG':
      '#Log-type: HttpProxy Logs\n',
    'C/Users/Admin/Documents/photos.gz': gzipSync('x'),
    'C/inetpub/logs/LogFiles/W3SVC1-2021-02.7z': '7z\xbc\xaf\x27\x1c',
  })
  const ev = await discoverEvidence(root)
  assert.deepEqual(ev.errors, [])
  const a = byPath(ev)
  const gz = a.get('C/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log.gz')
  assert.equal(gz?.kind, 'log')
  assert.equal(gz?.ref.type, 'gzip')
  assert.equal(a.get('C/inetpub/logs/LogFiles/W3SVC1/u_ex210304.log.gz')?.kind, 'log')
  const proxy = a.get(
    'C/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa/HttpProxy_2021030101-1.gz',
  )
  assert.equal(proxy?.ref.type, 'gzip')
  // The zip is replaced by its entries: logs by their inner names, other members as items to look at.
  assert.equal(a.has('C/inetpub/logs/LogFiles/W3SVC1-2021-03.zip'), false)
  const inZip = a.get('C/inetpub/logs/LogFiles/W3SVC1-2021-03.zip!W3SVC1/u_ex210301.log')
  assert.equal(inZip?.kind, 'log')
  assert.equal(inZip?.ref.type, 'zip-entry')
  const gzInZip = a.get('C/inetpub/logs/LogFiles/W3SVC1-2021-03.zip!W3SVC1/u_ex210302.log.gz')
  assert.equal(gzInZip?.ref.type, 'gzip')
  assert.equal(
    a.get('C/inetpub/logs/LogFiles/W3SVC1-2021-03.zip!readme.rtf')?.kind,
    'other',
    'a non-log member is still listed',
  )
  assert.equal(a.has('C/Users/Admin/Documents/photos.gz'), false)
  // Logs packed in a format exhunt does not read are listed (the report counts them as not read).
  assert.equal(a.get('C/inetpub/logs/LogFiles/W3SVC1-2021-02.7z')?.kind, 'other')

  // Reading: every compressed log gives the plain bytes.
  for (const x of [gz, inZip, gzInZip]) assert.equal((await buffer(x!.open())).toString(), IIS)
  await assert.rejects(buffer(a.get('C/inetpub/logs/LogFiles/W3SVC1/u_ex210304.log.gz')!.open()), {
    code: 'EXH_ERR_GZIP_CORRUPT',
  })
})

test('evidence zip: a .gz log inside is read decompressed; a zip of logs inside is listed as not read', async () => {
  const nested = makeZip([{ name: 'u_ex210301.log', data: IIS }])
  const dir = tmpDir()
  const zipPath = join(dir, 'evidence.zip')
  writeFileSync(
    zipPath,
    makeZip([
      { name: 'C/inetpub/logs/LogFiles/W3SVC1/u_ex210301.log.gz', data: gzipSync(IIS) },
      { name: 'C/inetpub/logs/LogFiles/W3SVC1/old.zip', data: nested, method: 0 },
      { name: 'C/inetpub/wwwroot/default.aspx', data: '<%@ Page %>' },
    ]),
  )
  const ev = await discoverEvidence(zipPath)
  const a = byPath(ev)
  const gz = a.get('evidence.zip!C/inetpub/logs/LogFiles/W3SVC1/u_ex210301.log.gz')
  assert.equal(gz?.kind, 'log')
  assert.deepEqual(gz?.ref.type === 'gzip' && gz.ref.inner.type, 'zip-entry')
  assert.equal((await buffer(gz!.open())).toString(), IIS)
  const inner = a.get('evidence.zip!C/inetpub/logs/LogFiles/W3SVC1/old.zip')
  assert.equal(inner?.kind, 'other')
  assert.deepEqual(inner?.unread, { kind: 'archive', reason: NESTED_LOG_ZIP_REASON })
})

test('one .gz log given alone is read decompressed', async () => {
  const p = join(tmpDir(), 'u_ex210301.log.gz')
  writeFileSync(p, gzipSync(IIS))
  const ev = await discoverEvidence(p)
  assert.equal(ev.artefacts.length, 1)
  assert.equal(ev.artefacts[0]?.kind, 'log')
  assert.equal((await buffer(openRef(ev.artefacts[0]!.ref))).toString(), IIS)
})

test('gunzip: a bomb stops at the ratio cap with EXH_ERR_GZIP_BOMB after the first part came out', async () => {
  const line = '2021-03-01 00:00:01 10.0.0.5 GET /owa/ - 443 - 1.2.3.4 - - 200 0 0 5\n'
  const bomb = await gzipBomb(line, 1_000_000) // ~70 MB decompressed
  assert.ok(bomb.length < 300_000, `the bomb is small on disk (${bomb.length} bytes)`)
  const p = join(tmpDir(), 'u_ex210301.log.gz')
  writeFileSync(p, bomb)
  let out = 0
  await assert.rejects(
    (async () => {
      for await (const c of openRef({ type: 'gzip', inner: { type: 'file', fsPath: p } }))
        out += (c as Buffer).length
    })(),
    (err: { code?: string; message?: string }) => {
      assert.equal(err.code, 'EXH_ERR_GZIP_BOMB')
      assert.match(err.message ?? '', /200:1/)
      return true
    },
  )
  assert.ok(out > 1 << 20, `the part before the cap was delivered (${out} bytes)`)
  assert.ok(out < 70_000_000, 'and not the rest')
})

test('gunzip: the byte cap, truncation and non-gzip data are coded errors after what could be read', async () => {
  const data = Buffer.from('x'.repeat(100_000))
  const { Readable } = await import('node:stream')
  await assert.rejects(
    buffer(
      gunzipStream(Readable.from([gzipSync(data)]), 'a.gz', { maxBytes: 50_000, maxRatio: 1e9 }),
    ),
    { code: 'EXH_ERR_GZIP_BOMB' },
  )
  const half = gzipSync(Buffer.from(IIS.repeat(2000)))
  let got = 0
  await assert.rejects(
    (async () => {
      for await (const c of gunzipStream(
        Readable.from([half.subarray(0, half.length - 10)]),
        'b.gz',
      ))
        got += (c as Buffer).length
    })(),
    { code: 'EXH_ERR_GZIP_CORRUPT' },
  )
  assert.ok(got > 0, 'the bytes before the truncation came out')
  await assert.rejects(buffer(gunzipStream(Readable.from([Buffer.alloc(0)]), 'c.gz')), {
    code: 'EXH_ERR_GZIP_CORRUPT',
  })
  // Several members (`cat a.gz b.gz`) are one stream, as gzip -d reads them.
  const two = Buffer.concat([gzipSync('a\n'), gzipSync('b\n')])
  assert.equal((await buffer(gunzipStream(Readable.from([two]), 'd.gz'))).toString(), 'a\nb\n')
})
