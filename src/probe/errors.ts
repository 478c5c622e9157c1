// Every way a request can fail without a (complete) HTTP answer, mapped to one ProbeErrorCode with a
// message a person reads. Node, OpenSSL and undici each name failures their own way.
import type { ProbeErrorCode } from '../shared/probe.ts'

export interface ProbeFailure {
  code: ProbeErrorCode
  message: string
}

/** Why a probe was stopped from outside the request: the run (`aborted`) or the target's deadline. */
export class ProbeStop extends Error {
  constructor(readonly failure: ProbeFailure) {
    super(failure.message)
    this.name = 'ProbeStop'
  }
}

const UNREACHABLE = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'EADDRNOTAVAIL',
])

const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'])

function describe(err: { message?: string; cause?: unknown }): string {
  const cause = err.cause as { code?: string; message?: string } | undefined
  const inner = cause?.message && cause.message !== err.message ? ` (${cause.message})` : ''
  return `${err.message ?? String(err)}${inner}`
}

/** The failure an error thrown by undici, node:net or node:tls stands for. */
export function failureOf(
  err: unknown,
  limits: { timeoutMs: number; connectTimeoutMs: number },
): ProbeFailure {
  if (err instanceof ProbeStop) return err.failure
  const e = (err ?? {}) as { code?: unknown; name?: string; message?: string; cause?: unknown }
  // undici wraps socket errors: the errno is on the cause.
  const raw = e.code ?? (e.cause as { code?: unknown } | undefined)?.code
  // A DOMException's code is a number: only string codes name a failure.
  const code = typeof raw === 'string' ? raw : ''
  if (code === 'ECONNREFUSED') return { code: 'refused', message: 'connection refused' }
  if (UNREACHABLE.has(code)) return { code: 'unreachable', message: `${code}: ${describe(e)}` }
  if (code === 'UND_ERR_CONNECT_TIMEOUT')
    return {
      code: 'timeout',
      message: `no connection and TLS handshake within ${limits.connectTimeoutMs} ms`,
    }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return { code: 'timeout', message: `the server went silent (${code})` }
  if (e.name === 'TimeoutError')
    return { code: 'timeout', message: `no complete answer within ${limits.timeoutMs} ms` }
  if (code === 'UND_ERR_HEADERS_OVERFLOW')
    return { code: 'too-large', message: 'response headers over the size limit' }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE')
    return { code: 'too-large', message: 'response body over the size limit' }
  if (code.startsWith('HPE_') || e.name === 'HTTPParserError')
    return { code: 'not-http', message: `the port answered, but not with HTTP: ${describe(e)}` }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG')
    return { code: 'tls', message: `the port does not speak TLS (${code}); maybe plain HTTP` }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO')
    return { code: 'tls', message: `TLS handshake failed: ${describe(e)}` }
  if (RESET.has(code)) return { code: 'reset', message: `connection closed early: ${describe(e)}` }
  if (code === 'UND_ERR_ABORTED' || e.name === 'AbortError')
    return { code: 'aborted', message: 'the run was stopped' }
  return { code: 'reset', message: `no complete answer: ${code ? `${code}: ` : ''}${describe(e)}` }
}
