// The one HTTP client of the probe: undici 7.30 (the last line that runs on Node 20), one small pool
// per endpoint, closed when the endpoint is done, so nothing grows with the number of targets.
// Measured facts behind the settings (issue 14): headersTimeout and bodyTimeout are idle timers, so a
// server dripping a byte every 500 ms is bounded only by the per-request AbortSignal.timeout; the
// connector's timeout covers the TLS handshake; a server's Keep-Alive hint overrides keepAliveTimeout
// unless keepAliveMaxTimeout is set. Redirects are never followed: a 302 is an answer.
import type { Socket } from 'node:net'
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls'
import { buildConnector, Pool } from 'undici'
import type { ProbeEndpoint, ProbeRequest, ProbeResponse, ProbeTls } from '../shared/probe.ts'
import { VERSION } from '../shared/version.ts'
import { decodeCapped, knownEncoding } from './decode.ts'
import { failureOf, type ProbeFailure } from './errors.ts'
import { tlsInfo } from './tls-info.ts'

export interface HttpLimits {
  /** Hard deadline of one request, from sending to the last byte read (ms). */
  timeoutMs: number
  /** TCP connect plus TLS handshake (ms). */
  connectTimeoutMs: number
  /** Body bytes kept (raw, and again after decoding). */
  maxBodyBytes: number
  /** Response head bytes accepted. */
  maxHeaderBytes: number
}

export const DEFAULT_LIMITS: HttpLimits = {
  timeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  maxBodyBytes: 256 * 1024,
  maxHeaderBytes: 32 * 1024,
}

export const USER_AGENT = `exhunt/${VERSION} (non-destructive Exchange probe)`

export interface Sent {
  response: ProbeResponse
  /** Failed before any answer at the connection level (refused, unreachable, connect timeout): a retry may help. */
  connectFailure: boolean
}

export interface EndpointClient {
  send(req: ProbeRequest, stop: AbortSignal): Promise<ProbeResponse>
  sendDetailed(req: ProbeRequest, stop: AbortSignal): Promise<Sent>
  /** What the first TLS handshake showed (https only). */
  tls(): ProbeTls | undefined
  /** The address connected to (a host name resolves here). */
  ip(): string | undefined
  /** A connection (and for https its TLS handshake) succeeded at least once. */
  connected(): boolean
  close(): Promise<void>
}

function origin(ep: ProbeEndpoint): string {
  const host = ep.host.includes(':') ? `[${ep.host}]` : ep.host
  return `${ep.scheme}://${host}:${ep.port}`
}

/** Host header: the name when one was given or derived, with the port when it is not the default. */
function hostHeader(ep: ProbeEndpoint): string | undefined {
  if (!ep.serverName) return undefined
  const std = ep.scheme === 'https' ? 443 : 80
  return ep.port === std ? ep.serverName : `${ep.serverName}:${ep.port}`
}

function joinHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue
    const name = k.toLowerCase()
    out[name] = Array.isArray(v) ? v.join(name === 'set-cookie' ? '\n' : ', ') : v
  }
  return out
}

// One TLS context for every connection of the process: without it each tls.connect makes its own,
// whose native memory waits for a garbage collection that JS-heap pressure alone never triggers
// (peak RSS grew with the target count).
let sharedContext: SecureContext | undefined
function tlsContext(): SecureContext {
  if (!sharedContext) sharedContext = createSecureContext({})
  return sharedContext
}

export function endpointClient(
  ep: ProbeEndpoint,
  limits: HttpLimits = DEFAULT_LIMITS,
): EndpointClient {
  let tls: ProbeTls | undefined
  let ip: string | undefined = ep.ip
  let connected = false
  const connector = buildConnector({
    timeout: limits.connectTimeoutMs,
    // A probe reads the certificate, it never trusts it: self-signed Exchange installs are the norm.
    rejectUnauthorized: false,
    maxCachedSessions: 0,
    secureContext: tlsContext(),
  })
  const pool = new Pool(origin(ep), {
    connections: 2,
    pipelining: 1,
    connect(opts, cb) {
      connector({ ...opts, servername: ep.serverName ?? opts.servername }, (err, socket) => {
        if (!err && socket) {
          connected = true
          const s = socket as Socket
          ip ??= s.remoteAddress
          if (ep.scheme === 'https' && !tls) {
            try {
              tls = tlsInfo(s as TLSSocket)
            } catch {
              tls = { altNames: [] }
            }
          }
        }
        // biome-ignore lint/suspicious/noExplicitAny: undici's callback overloads (err, null) | (null, socket)
        ;(cb as any)(err, socket)
      })
    },
    headersTimeout: limits.timeoutMs,
    bodyTimeout: limits.timeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    maxResponseSize: limits.maxBodyBytes,
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 10_000,
  })
  const host = hostHeader(ep)
  const failure = (err: unknown) => failureOf(err, limits)

  async function sendDetailed(req: ProbeRequest, stop: AbortSignal): Promise<Sent> {
    let connectErr: unknown
    const response = await sendOne(req, stop, (err) => {
      connectErr = err
    })
    const code = (connectErr as { code?: unknown } | undefined)?.code
    const causeCode = (connectErr as { cause?: { code?: unknown } } | undefined)?.cause?.code
    const c = typeof code === 'string' ? code : typeof causeCode === 'string' ? causeCode : ''
    const connectFailure =
      response.status === null &&
      (response.error?.code === 'refused' ||
        response.error?.code === 'unreachable' ||
        c === 'UND_ERR_CONNECT_TIMEOUT')
    return { response, connectFailure }
  }

  async function sendOne(
    req: ProbeRequest,
    stop: AbortSignal,
    onError: (err: unknown) => void,
  ): Promise<ProbeResponse> {
    const t0 = performance.now()
    const ms = () => Math.round(performance.now() - t0)
    const none = (f: ProbeFailure): ProbeResponse => ({
      id: req.id,
      status: null,
      headers: {},
      body: '',
      bodyTruncated: false,
      error: f,
      ms: ms(),
    })
    if (stop.aborted) return none(failure(stop.reason))
    // One controller per request: the hard deadline and the target's stop both abort it. No
    // AbortSignal.any, whose dependants a long-lived run signal would keep alive on Node 20.
    const ctl = new AbortController()
    const deadline = AbortSignal.timeout(limits.timeoutMs)
    const onDeadline = () => ctl.abort(deadline.reason)
    const onStop = () => ctl.abort(stop.reason)
    deadline.addEventListener('abort', onDeadline, { once: true })
    stop.addEventListener('abort', onStop, { once: true })
    let status: number | null = null
    let headers: Record<string, string> = {}
    const parts: Buffer[] = []
    let got = 0
    let truncated = false
    let error: ProbeFailure | undefined
    try {
      const res = await pool.request({
        path: req.path,
        method: req.method,
        headers: {
          'user-agent': USER_AGENT,
          accept: '*/*',
          'accept-encoding': 'identity',
          ...(host ? { host } : {}),
          ...req.headers,
        },
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal: ctl.signal,
      })
      status = res.statusCode
      headers = joinHeaders(res.headers as Record<string, string | string[] | undefined>)
      try {
        for await (const chunk of res.body) {
          const c = chunk as Buffer
          if (got + c.length > limits.maxBodyBytes) {
            parts.push(c.subarray(0, limits.maxBodyBytes - got))
            got = limits.maxBodyBytes
            truncated = true
            break
          }
          parts.push(c)
          got += c.length
        }
      } finally {
        // Stop reading an endless body: the socket goes, not the rest of the stream.
        if (!res.body.destroyed) res.body.destroy()
      }
      if (truncated)
        error = {
          code: 'too-large',
          message: `body over ${limits.maxBodyBytes} bytes: the first bytes kept`,
        }
    } catch (err) {
      if (!ctl.signal.aborted) onError(err)
      error = ctl.signal.aborted ? failure(ctl.signal.reason) : failure(err)
      if (error.code === 'too-large' && status !== null) truncated = true
    } finally {
      deadline.removeEventListener('abort', onDeadline)
      stop.removeEventListener('abort', onStop)
    }
    let raw: Buffer = Buffer.concat(parts)
    const enc = (headers['content-encoding'] ?? '').trim().toLowerCase()
    if (raw.length > 0 && enc && enc !== 'identity') {
      if (!knownEncoding(enc)) {
        error ??= { code: 'bad-encoding', message: `unknown content-encoding "${enc}"` }
      } else {
        const d = await decodeCapped(raw, enc, limits.maxBodyBytes)
        raw = d.body
        if (d.over) {
          truncated = true
          error = {
            code: 'bad-encoding',
            message: `${enc} body inflates past ${limits.maxBodyBytes} bytes (decompression bomb?): the first bytes kept`,
          }
        } else if (d.error && !truncated) {
          error ??= { code: 'bad-encoding', message: `${enc} body does not decode: ${d.error}` }
        }
      }
    }
    return {
      id: req.id,
      status,
      headers,
      body: raw.toString('latin1'),
      bodyTruncated: truncated,
      ...(error ? { error } : {}),
      ms: ms(),
    }
  }

  return {
    send: async (req, stop) => (await sendDetailed(req, stop)).response,
    sendDetailed,
    tls: () => tls,
    ip: () => ip,
    connected: () => connected,
    close: async () => {
      await pool.destroy().catch(() => {})
    },
  }
}
