// The probe runner on loopback with the engine's test double: hostile targets end with a reason and
// the run goes on; concurrency, the global and per-network rate limits, the fallback to http, the
// target deadline, stop. Loopback only.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { runProbe } from '../../src/probe/run.ts'
import { itemTargets, type TargetItem } from '../../src/probe/targets.ts'
import type { ProbeTargetResult } from '../../src/shared/probe.ts'
import {
  closedPort,
  hostileServer,
  type Running,
  tlsResetServer,
  webServer,
} from './servers.test-helper.ts'
import { doubleEngine } from './session.test-helper.ts'

const servers: Running[] = []
after(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

function items(list: string[]): TargetItem[] {
  return list.flatMap((s) => [...itemTargets(s, 'argument')])
}

async function exchangeLike(version = '15.1.2176.2', delayMs = 0, host?: string) {
  const s = await webServer(
    (_req, res) => {
      setTimeout(() => {
        res.setHeader('X-OWA-Version', version)
        res.writeHead(302, { location: '/owa/auth/logon.aspx' })
        res.end()
      }, delayMs)
    },
    host ? { host } : {},
  )
  servers.push(s)
  return s
}

describe('probe runner', () => {
  test('hostile targets end unreachable or with an error within their deadlines; the good ones are judged', async () => {
    const good = await exchangeLike('15.1.2176.2')
    const old = await exchangeLike('15.1.2106.2')
    const kinds = [
      'slow-drip',
      'drip-headers',
      'endless-headers',
      'endless-body',
      'not-http',
      'reset',
      'redirect-loop',
      'gzip-bomb',
    ] as const
    const hostile = await Promise.all(kinds.map((k) => hostileServer(k)))
    servers.push(...hostile)
    const silentTls = await hostileServer('tls-silent')
    servers.push(silentTls)
    const refused = await closedPort()
    const list = [
      `http://127.0.0.1:${good.port}`,
      ...hostile.map((s) => `http://127.0.0.1:${s.port}`),
      `https://127.0.0.1:${silentTls.port}`,
      `http://127.0.0.1:${refused}`,
      `http://127.0.0.1:${old.port}`,
    ]
    const { compiled } = doubleEngine()
    const results = new Map<string, ProbeTargetResult>()
    const t0 = Date.now()
    const summary = await runProbe(items(list), {
      compiled,
      concurrency: 4,
      limits: { timeoutMs: 1500, connectTimeoutMs: 800, maxBodyBytes: 64 * 1024 },
      onResult: (r) => results.set(r.target.input, r),
    })
    const elapsed = Date.now() - t0
    assert.equal(summary.complete, true)
    assert.equal(summary.done, list.length)
    assert.equal(results.get(list[0]!)?.verdict, 'patched')
    assert.equal(results.get(list.at(-1)!)?.verdict, 'vulnerable')
    const byKind = new Map(
      kinds.map((k, i) => [k, results.get(`http://127.0.0.1:${hostile[i]!.port}`)!]),
    )
    assert.equal(byKind.get('slow-drip')?.errors[0]?.code, 'timeout')
    assert.equal(byKind.get('drip-headers')?.verdict, 'unreachable')
    assert.equal(byKind.get('drip-headers')?.errors[0]?.code, 'timeout')
    assert.equal(byKind.get('endless-headers')?.errors[0]?.code, 'too-large')
    assert.equal(byKind.get('endless-body')?.errors[0]?.code, 'too-large')
    assert.equal(byKind.get('not-http')?.errors[0]?.code, 'not-http')
    assert.equal(byKind.get('reset')?.errors[0]?.code, 'reset')
    assert.equal(byKind.get('gzip-bomb')?.errors[0]?.code, 'bad-encoding')
    assert.equal(byKind.get('redirect-loop')?.errors.length, 0)
    const tls = results.get(`https://127.0.0.1:${silentTls.port}`)
    assert.equal(tls?.verdict, 'unreachable')
    assert.equal(tls?.errors[0]?.code, 'timeout')
    assert.equal(results.get(`http://127.0.0.1:${refused}`)?.errors[0]?.code, 'refused')
    for (const r of results.values()) assert.ok(r.ms < 1500 + 2000, `${r.target.input}: ${r.ms} ms`)
    // 12 targets, 4 lanes, the slowest ~1.5 s: far less than one after the other.
    assert.ok(elapsed < 9000, `${elapsed} ms`)
  })

  test('--concurrency bounds the targets in flight', async () => {
    let now = 0
    let peak = 0
    const s = await webServer((_req, res) => {
      now++
      peak = Math.max(peak, now)
      setTimeout(() => {
        now--
        res.setHeader('X-OWA-Version', '15.1.2176.2')
        res.end('x')
      }, 60)
    })
    servers.push(s)
    const { compiled } = doubleEngine()
    const summary = await runProbe(
      items(Array.from({ length: 24 }, () => `http://127.0.0.1:${s.port}`)),
      { compiled, concurrency: 3 },
    )
    assert.equal(summary.done, 24)
    assert.equal(peak, 3)
  })

  test('--rate: the run as a whole keeps to N requests a second', async () => {
    const s = await exchangeLike()
    const { compiled } = doubleEngine()
    const n = 12
    const t0 = Date.now()
    await runProbe(items(Array.from({ length: n }, () => `http://127.0.0.1:${s.port}`)), {
      compiled,
      concurrency: 8,
      rate: 20,
    })
    // 12 requests at 20/s: the last is booked 11 gaps of 50 ms after the first, whatever the load.
    const elapsed = Date.now() - t0
    assert.ok(elapsed >= 11 * 50 * 0.95, `${elapsed} ms`)
    assert.equal(s.seen.length >= n, true)
  })

  test('--net-rate is per /24: two networks go side by side, each at its rate', async () => {
    const a = await exchangeLike('15.1.2176.2', 0, '127.0.0.1')
    const b = await exchangeLike('15.1.2176.2', 0, '127.0.1.1')
    const { compiled } = doubleEngine()
    const n = 6
    const list: string[] = []
    for (let i = 0; i < n; i++)
      list.push(`http://127.0.0.1:${a.port}`, `http://127.0.1.1:${b.port}`)
    const t0 = Date.now()
    await runProbe(items(list), { compiled, concurrency: 12, netRate: 5 })
    const elapsed = Date.now() - t0
    assert.equal(a.seen.length + b.seen.length, 2 * n)
    // Each network: 6 requests at 5/s, the last booked 5 gaps of 200 ms after its first.
    assert.ok(elapsed >= (n - 1) * 200 * 0.95, `${elapsed} ms`)
    // Side by side: about one network's time (1 s), not two (2 s) as one shared limit would take.
    assert.ok(elapsed < 2 * (n - 1) * 200, `${elapsed} ms`)
  })

  test('no scheme, no known port: https first, then http on the same port', async () => {
    const s = await exchangeLike()
    const { compiled, log } = doubleEngine()
    const got: ProbeTargetResult[] = []
    await runProbe(items([`127.0.0.1:${s.port}`]), { compiled, onResult: (r) => got.push(r) })
    assert.equal(got.length, 1)
    assert.equal(got[0]?.target.scheme, 'http')
    assert.equal(got[0]?.verdict, 'patched')
    assert.deepEqual(
      log.sessions.map((x) => x.endpoint.scheme),
      ['https', 'http'],
    )
    assert.equal(got[0]?.errors[0]?.code, 'tls')
    assert.match(got[0]?.errors[0]?.message ?? '', /^https:\d+: /)
  })

  test('a connection reset after the TLS handshake is an answer: no fallback to http', async () => {
    const s = await tlsResetServer()
    servers.push(s)
    const { compiled, log } = doubleEngine()
    const got: ProbeTargetResult[] = []
    await runProbe(items([`127.0.0.1:${s.port}`]), { compiled, onResult: (r) => got.push(r) })
    assert.deepEqual(
      log.sessions.map((x) => x.endpoint.scheme),
      ['https'],
    )
    assert.equal(got[0]?.errors[0]?.code, 'reset')
    assert.equal(got[0]?.tls?.subject, 'CN=mail.probe.test')
  })

  test("the target's deadline ends a target that drips, whatever the request timeout", async () => {
    const s = await hostileServer('slow-drip')
    servers.push(s)
    const { compiled } = doubleEngine({ rounds: 3 })
    const got: ProbeTargetResult[] = []
    const t0 = Date.now()
    await runProbe(items([`http://127.0.0.1:${s.port}`]), {
      compiled,
      limits: { timeoutMs: 20_000 },
      targetTimeoutMs: 800,
      onResult: (r) => got.push(r),
    })
    assert.ok(Date.now() - t0 < 800 + 1500)
    assert.equal(got[0]?.errors[0]?.code, 'timeout')
    assert.match(got[0]?.errors[0]?.message ?? '', /deadline/)
  })

  test('a stopped run says so and does not report the targets in flight', async () => {
    const s = await hostileServer('slow-drip')
    servers.push(s)
    const good = await exchangeLike()
    const { compiled } = doubleEngine()
    const ctl = new AbortController()
    const got: ProbeTargetResult[] = []
    setTimeout(() => ctl.abort(new Error('SIGINT received')), 300)
    const t0 = Date.now()
    const summary = await runProbe(
      items([
        `http://127.0.0.1:${good.port}`,
        `http://127.0.0.1:${s.port}`,
        `http://127.0.0.1:${good.port}`,
      ]),
      { compiled, concurrency: 2, signal: ctl.signal, onResult: (r) => got.push(r) },
    )
    assert.ok(Date.now() - t0 < 1500)
    assert.equal(summary.complete, false)
    assert.equal(summary.stopped, 'SIGINT received')
    assert.ok(got.every((r) => r.errors.every((e) => e.code !== 'aborted')))
    assert.ok(!got.some((r) => r.target.port === s.port))
  })

  test('bad items are per-line errors and the run goes on', async () => {
    const s = await exchangeLike()
    const { compiled } = doubleEngine()
    const errors: string[] = []
    const summary = await runProbe(
      items(['no_such host!', `http://127.0.0.1:${s.port}`, '10.0.0.0/4']),
      {
        compiled,
        onTargetError: (e) => errors.push(e.message),
      },
    )
    assert.equal(summary.done, 1)
    assert.equal(summary.targetErrors, 2)
    assert.equal(errors.length, 2)
  })
})
