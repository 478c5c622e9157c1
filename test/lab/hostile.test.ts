// Every hostile kind misbehaves as described, over TLS as the probe meets it, with short test timeouts.
import assert from 'node:assert/strict'
import { connect as netConnect } from 'node:net'
import { after, before, test } from 'node:test'
import { type TLSSocket, connect as tlsConnect } from 'node:tls'
import { createGunzip } from 'node:zlib'
import { parseSpec } from '../../src/lab/mix.ts'
import { type RunningLab, startLab } from '../../src/lab/start.ts'
import { HOSTILE_KINDS, type HostileKind, type LabInstance } from '../../src/lab/types.ts'
import { get, SSRF_COOKIE } from './http.test-helper.ts'

let lab: RunningLab
const by = new Map<string, LabInstance>()

before(async () => {
  lab = await startLab({
    port: 0,
    specs: [...HOSTILE_KINDS.map((k) => parseSpec(k)), parseSpec('15.1.2176.2,mitigation=eomt')],
  })
  for (const i of lab.instances) by.set(i.options.hostile ?? 'eomt', i)
})
after(() => lab.close())

const inst = (k: HostileKind | 'eomt') => by.get(k) as LabInstance

/** A TLS connection that has sent one GET; collects what comes back. */
function open(k: HostileKind, path = '/owa/'): Promise<{ sock: TLSSocket; got: () => Buffer }> {
  const i = inst(k)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const sock = tlsConnect(
      { host: i.host, port: i.port, servername: i.serverName, rejectUnauthorized: false },
      () => {
        sock.write(`GET ${path} HTTP/1.1\r\nHost: ${i.serverName}\r\n\r\n`)
        resolve({ sock, got: () => Buffer.concat(chunks) })
      },
    )
    sock.on('data', (d: Buffer) => chunks.push(d))
    sock.on('error', reject)
  })
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('every hostile instance is unreachable in the fleet truth', () => {
  for (const k of HOSTILE_KINDS) {
    assert.equal(inst(k).truth.verdict, 'unreachable', k)
    assert.deepEqual(inst(k).truth.checks, {})
  }
})

test('slow-drip: one byte every 500 ms', async () => {
  const { sock, got } = await open('slow-drip')
  await sleep(1800)
  const b = got()
  sock.destroy()
  assert.ok(b.length >= 2 && b.length <= 5, `${b.length} bytes in 1.8 s`)
  assert.equal(b.toString('latin1'), 'HTTP/1.1 200 OK'.slice(0, b.length))
})

test('endless-headers: a megabyte of header lines and still no end of the header block', async () => {
  const { sock, got } = await open('endless-headers')
  for (let t = 0; t < 100 && got().length < 1 << 20; t++) await sleep(50)
  const b = got()
  sock.destroy()
  assert.ok(b.length >= 1 << 20, `${b.length} bytes`)
  assert.match(b.subarray(0, 64).toString('latin1'), /^HTTP\/1\.1 200 OK\r\n/)
  assert.equal(b.indexOf('\r\n\r\n'), -1)
})

test('endless-body: headers, then body without end', async () => {
  const { sock, got } = await open('endless-body')
  for (let t = 0; t < 100 && got().length < 4 << 20; t++) await sleep(50)
  const b = got()
  sock.destroy()
  assert.ok(b.length >= 4 << 20, `${b.length} bytes`)
  const head = b.subarray(0, b.indexOf('\r\n\r\n')).toString('latin1')
  assert.match(head, /^HTTP\/1\.1 200 OK/)
  assert.doesNotMatch(head, /content-length/i)
})

test('tls-stall: TCP accepted, the TLS handshake never completes', async () => {
  const i = inst('tls-stall')
  const r = await new Promise<string>((resolve) => {
    const s = tlsConnect(
      { host: i.host, port: i.port, servername: i.serverName, rejectUnauthorized: false },
      () => resolve('handshake'),
    )
    let tcp = false
    s.on('connect', () => {
      tcp = true
    })
    s.on('error', (e) => resolve(`error ${e.message}`))
    setTimeout(() => {
      s.destroy()
      resolve(tcp ? 'stalled' : 'no tcp')
    }, 1200)
  })
  assert.equal(r, 'stalled')
})

test('redirect-loop: every path sends the client back to itself', async () => {
  let path = '/owa/'
  for (let n = 0; n < 5; n++) {
    const a = await get(inst('redirect-loop'), path)
    assert.equal(a.status, 302)
    assert.equal(a.headers.location, path)
    path = String(a.headers.location)
  }
})

test('gzip-bomb: ~5 MB on the wire that inflate to 5 GiB (the first 256 KiB checked to inflate 1000-fold)', async () => {
  const { sock, got } = await open('gzip-bomb')
  let b = got()
  for (let t = 0; t < 200; t++) {
    b = got()
    const end = b.indexOf('\r\n\r\n')
    const declared = Number(
      /Content-Length: (\d+)/.exec(b.subarray(0, end).toString('latin1'))?.[1],
    )
    if (end > 0 && b.length >= end + 4 + declared) break
    await sleep(50)
  }
  sock.destroy()
  const end = b.indexOf('\r\n\r\n')
  const head = b.subarray(0, end).toString('latin1')
  assert.match(head, /Content-Encoding: gzip/)
  const declared = Number(/Content-Length: (\d+)/.exec(head)?.[1])
  assert.ok(declared > 1e6 && declared < 20e6, `${declared} bytes declared`)
  const body = b.subarray(end + 4, end + 4 + declared)
  assert.equal(body.length, declared, 'the whole body arrived')
  // ISIZE (inflated size mod 2^32) of 5 GiB is 1 GiB.
  assert.equal(body.readUInt32LE(body.length - 4), 2 ** 30)
  const gunzip = createGunzip()
  let inflated = 0
  gunzip.on('data', (d: Buffer) => {
    inflated += d.length
  })
  await new Promise<void>((resolve) => {
    gunzip.on('error', () => resolve()) // the cut-off input ends early: expected
    gunzip.on('end', () => resolve())
    gunzip.end(body.subarray(0, 256 * 1024))
  })
  assert.ok(inflated >= 200 * 2 ** 20, `256 KiB inflated to ${inflated} bytes`)
})

test('not-http: a banner on the port, and TLS fails against it', async () => {
  const i = inst('not-http')
  const banner = await new Promise<string>((resolve, reject) => {
    const s = netConnect({ host: i.host, port: i.port }, () => {})
    s.once('data', (d: Buffer) => {
      resolve(d.toString('latin1'))
      s.destroy()
    })
    s.on('error', reject)
  })
  assert.match(banner, /^220 mail\d+\.lab\.test .*\r\n$/)
  const a = await get(i, '/owa/', {}, 2000)
  assert.equal(a.status, null)
  assert.ok(a.error, 'no HTTP answer')
})

test('under TLS, the URL Rewrite abort is a TCP reset too', async () => {
  const a = await get(inst('eomt'), '/owa/auth/x.js', { Cookie: SSRF_COOKIE })
  assert.equal(a.status, null)
  assert.equal(a.error, 'ECONNRESET')
})

test('close() ends every connection, dripping or streaming, at once', async () => {
  const extra = await startLab({
    port: 0,
    specs: [parseSpec('slow-drip'), parseSpec('endless-body')],
  })
  const conns = await Promise.all(
    extra.instances.map(
      (i) =>
        new Promise<TLSSocket>((resolve) => {
          const s = tlsConnect({ host: i.host, port: i.port, rejectUnauthorized: false }, () => {
            s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
            resolve(s)
          })
          s.on('data', () => {})
          s.on('error', () => {})
        }),
    ),
  )
  const closed = Promise.all(conns.map((s) => new Promise((r) => s.once('close', r))))
  const t = performance.now()
  await extra.close()
  await closed
  assert.ok(performance.now() - t < 2000)
})
