// The probe's HTTP client against hostile loopback servers: each ends with its ProbeErrorCode within
// its deadline. Loopback only.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { endpointClient, type HttpLimits } from '../../src/probe/http.ts'
import type { ProbeEndpoint } from '../../src/shared/probe.ts'
import {
  closedPort,
  type HostileKind,
  hostileServer,
  type Running,
  TEST_CERT,
  webServer,
} from './servers.test-helper.ts'

const LIMITS: HttpLimits = {
  timeoutMs: 1500,
  connectTimeoutMs: 800,
  maxBodyBytes: 64 * 1024,
  maxHeaderBytes: 16 * 1024,
}
// Generous over the deadline: the machine is shared and loaded.
const SLACK_MS = 1500

const servers: Running[] = []
after(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

function ep(port: number, scheme: 'http' | 'https' = 'http', serverName?: string): ProbeEndpoint {
  return {
    input: `127.0.0.1:${port}`,
    scheme,
    host: '127.0.0.1',
    ip: '127.0.0.1',
    port,
    ...(serverName ? { serverName } : {}),
  }
}

async function once(e: ProbeEndpoint, path = '/owa/') {
  const c = endpointClient(e, LIMITS)
  try {
    const t0 = Date.now()
    const r = await c.send({ id: 'r1', method: 'GET', path }, new AbortController().signal)
    return { r, elapsed: Date.now() - t0, tls: c.tls() }
  } finally {
    await c.close()
  }
}

describe('probe HTTP client', () => {
  test('an answer: status, lower-case headers, body as latin1, no redirect followed', async () => {
    const s = await webServer((req, res) => {
      res.setHeader('X-OWA-Version', '15.1.2176.2')
      res.setHeader('Set-Cookie', ['a=1', 'b=2'])
      if (req.url === '/owa/') {
        res.writeHead(302, {
          location: 'https://mail.probe.test/owa/auth/logon.aspx?url=x&reason=0',
        })
        res.end()
        return
      }
      res.end(Buffer.from([0x63, 0xe9]))
    })
    servers.push(s)
    const { r } = await once(ep(s.port))
    assert.equal(r.status, 302)
    assert.equal(r.error, undefined)
    assert.equal(r.headers['x-owa-version'], '15.1.2176.2')
    assert.equal(r.headers['set-cookie'], 'a=1\nb=2')
    assert.match(r.headers.location ?? '', /logon\.aspx/)
    assert.equal(s.seen.length, 1, 'the redirect is an answer, never followed')
    const { r: r2 } = await once(ep(s.port), '/x')
    assert.equal(r2.body, 'c\u00e9')
  })

  test('https: certificate read into ProbeTls (subject, SANs, self-signed, sha256); SNI and Host are the name', async () => {
    const s = await webServer((_req, res) => res.end('ok'), { tls: true })
    servers.push(s)
    const { r, tls } = await once(ep(s.port, 'https', 'mail.probe.test'))
    assert.equal(r.status, 200)
    assert.ok(tls)
    assert.equal(tls.subject, 'CN=mail.probe.test')
    assert.deepEqual(tls.altNames, ['mail.probe.test', 'autodiscover.probe.test'])
    assert.equal(tls.selfSigned, true)
    assert.equal(tls.sha256, TEST_CERT.sha256)
    assert.match(tls.protocol ?? '', /^TLSv1\.[23]$/)
    assert.equal(s.seen[0]?.host, `mail.probe.test:${s.port}`)
    assert.equal(s.seen[0]?.servername, 'mail.probe.test')
  })

  test('connection refused', async () => {
    const { r, elapsed } = await once(ep(await closedPort()))
    assert.equal(r.error?.code, 'refused')
    assert.equal(r.status, null)
    assert.ok(elapsed < LIMITS.timeoutMs, `${elapsed} ms`)
  })

  const expect: Record<
    HostileKind,
    { code: string; scheme?: 'https'; status?: number; within: number }
  > = {
    'slow-drip': { code: 'timeout', status: 200, within: LIMITS.timeoutMs },
    'drip-headers': { code: 'timeout', within: LIMITS.timeoutMs },
    'endless-headers': { code: 'too-large', within: LIMITS.timeoutMs },
    'endless-body': { code: 'too-large', status: 200, within: LIMITS.timeoutMs },
    'tls-silent': { code: 'timeout', scheme: 'https', within: LIMITS.connectTimeoutMs },
    'gzip-bomb': { code: 'bad-encoding', status: 200, within: LIMITS.timeoutMs },
    'not-http': { code: 'not-http', within: LIMITS.timeoutMs },
    reset: { code: 'reset', within: LIMITS.timeoutMs },
    'redirect-loop': { code: '', status: 302, within: LIMITS.timeoutMs },
  }
  for (const [kind, want] of Object.entries(expect) as [
    HostileKind,
    (typeof expect)[HostileKind],
  ][]) {
    test(`hostile: ${kind} → ${want.code || 'a 302 answer, not followed'} within its deadline`, async () => {
      const s = await hostileServer(kind)
      servers.push(s)
      const { r, elapsed } = await once(ep(s.port, want.scheme ?? 'http'))
      if (want.code) assert.equal(r.error?.code, want.code, JSON.stringify(r.error))
      else assert.equal(r.error, undefined)
      assert.equal(r.status, want.status ?? null)
      assert.ok(r.error === undefined || r.error.message.length > 10, 'a clear message')
      assert.ok(elapsed < want.within + SLACK_MS, `${kind}: ${elapsed} ms`)
      if (kind === 'slow-drip')
        assert.ok(r.body.length > 0 && r.body.length < 100, 'what dripped is kept')
      if (kind === 'endless-body' || kind === 'gzip-bomb') {
        assert.equal(r.bodyTruncated, true)
        assert.ok(r.body.length > 0 && r.body.length <= LIMITS.maxBodyBytes, `${r.body.length}`)
      }
    })
  }

  test('the stop signal ends a request at once as aborted', async () => {
    const s = await hostileServer('slow-drip')
    servers.push(s)
    const c = endpointClient(ep(s.port), LIMITS)
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(), 200)
    const t0 = Date.now()
    const r = await c.send({ id: 'a', method: 'GET', path: '/' }, ctl.signal)
    await c.close()
    assert.equal(r.error?.code, 'aborted')
    assert.ok(Date.now() - t0 < 1000)
  })
})
