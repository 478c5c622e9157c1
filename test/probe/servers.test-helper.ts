// Loopback servers for the probe's tests: one that answers like a web server, and the hostile kinds a
// scan of a real network meets (slow drip, endless headers or body, TLS that never answers, redirect
// loop, gzip bomb, non-HTTP, reset). Every one listens on 127.0.0.1 only.
import { readFileSync } from 'node:fs'
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttps } from 'node:https'
import { createServer as createNet, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { TLSSocket } from 'node:tls'
import { gzipSync } from 'node:zlib'

const FIX = join(import.meta.dirname, '..', 'fixtures', 'probe')
export const TEST_CERT = {
  key: readFileSync(join(FIX, 'probe-test.key')),
  cert: readFileSync(join(FIX, 'probe-test.crt')),
  sha256: '51bc76e38a539a6ffbba2470e6e9fada9b0f3845aece46c6b9e6ba526f66ac92',
}

export interface Running {
  port: number
  /** Every request the server saw: method, path, headers (for Host / SNI / rate assertions). */
  seen: { method: string; path: string; host?: string; at: number; servername?: string }[]
  close(): Promise<void>
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void

function track(server: Server): { sockets: Set<Socket> } {
  const sockets = new Set<Socket>()
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  return { sockets }
}

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  const addr = server.address()
  if (!addr || typeof addr === 'string') throw new Error('no port')
  return addr.port
}

async function running(server: Server, seen: Running['seen'], host?: string): Promise<Running> {
  const { sockets } = track(server)
  const port = await listen(server, host)
  return {
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** An HTTP (or, with `tls`, HTTPS) server running `handler`, recording every request. */
export async function webServer(
  handler: Handler,
  o: { tls?: boolean; host?: string } = {},
): Promise<Running> {
  const seen: Running['seen'] = []
  const wrap: Handler = (req, res) => {
    const sock = req.socket as Socket & { servername?: string }
    seen.push({
      method: req.method ?? '',
      path: req.url ?? '',
      ...(req.headers.host ? { host: req.headers.host } : {}),
      at: Date.now(),
      ...(sock.servername ? { servername: sock.servername } : {}),
    })
    handler(req, res)
  }
  const server = o.tls
    ? createHttps({ key: TEST_CERT.key, cert: TEST_CERT.cert }, wrap)
    : createHttp(wrap)
  server.keepAliveTimeout = 1000
  return running(server, seen, o.host)
}

/** A raw TCP server: `onSocket` decides what (if anything) the port says. */
export async function rawServer(onSocket: (s: Socket) => void, host?: string): Promise<Running> {
  const server = createNet(onSocket)
  return running(server, [], host)
}

export type HostileKind =
  | 'slow-drip'
  | 'drip-headers'
  | 'endless-headers'
  | 'endless-body'
  | 'tls-silent'
  | 'redirect-loop'
  | 'gzip-bomb'
  | 'not-http'
  | 'reset'

let bomb: Buffer | undefined
/** 64 MiB of zeros, gzipped to about 64 KiB. */
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.alloc(64 * 1024 * 1024))
  return bomb
}

/** One hostile server of each kind; all plain TCP/HTTP except `tls-silent` (probe it as https). */
export function hostileServer(kind: HostileKind): Promise<Running> {
  const timers = new Set<NodeJS.Timeout>()
  const every = (s: Socket, ms: number, f: () => void) => {
    const t = setInterval(() => (s.destroyed ? clearInterval(t) : f()), ms)
    timers.add(t)
    s.on('close', () => clearInterval(t))
  }
  switch (kind) {
    case 'slow-drip':
      // Headers at once, then one body byte every 200 ms forever: each byte resets undici's idle timers.
      return rawServer((s) => {
        s.on('error', () => {})
        s.once('data', () => {
          s.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n')
          every(s, 200, () => s.write('a'))
        })
      })
    case 'drip-headers':
      return rawServer((s) => {
        s.on('error', () => {})
        s.once('data', () => {
          s.write('HTTP/1.1 200 OK\r\n')
          every(s, 200, () => s.write('X'))
        })
      })
    case 'endless-headers':
      return rawServer((s) => {
        s.on('error', () => {})
        s.once('data', () => {
          s.write('HTTP/1.1 200 OK\r\n')
          const line = `X-Filler: ${'a'.repeat(1000)}\r\n`
          every(s, 5, () => s.write(line.repeat(16)))
        })
      })
    case 'endless-body':
      return rawServer((s) => {
        s.on('error', () => {})
        s.once('data', () => {
          s.write(
            'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n',
          )
          const chunk = `4000\r\n${'b'.repeat(0x4000)}\r\n`
          every(s, 2, () => s.write(chunk))
        })
      })
    case 'tls-silent':
      // Accepts the TCP connection and never says a word: the TLS handshake never completes.
      return rawServer((s) => {
        s.on('error', () => {})
      })
    case 'redirect-loop':
      return webServer((req, res) => {
        res.writeHead(302, { location: req.url ?? '/' })
        res.end()
      })
    case 'gzip-bomb': {
      // Made before listening: compressing 64 MiB must not eat into the client's deadline.
      const body = gzipBomb()
      return webServer((_req, res) => {
        res.writeHead(200, {
          'content-type': 'text/html',
          'content-encoding': 'gzip',
          'content-length': body.length,
        })
        res.end(body)
      })
    }
    case 'not-http':
      return rawServer((s) => {
        s.on('error', () => {})
        s.write('SSH-2.0-OpenSSH_9.6\r\n')
      })
    case 'reset':
      // What IIS URL Rewrite's AbortRequest looks like from outside: the request read, the connection reset.
      return rawServer((s) => {
        s.on('error', () => {})
        s.once('data', () => s.resetAndDestroy())
      })
  }
}

/** TLS that completes its handshake, reads the request and resets the connection (URL Rewrite's AbortRequest over https). */
export async function tlsResetServer(): Promise<Running> {
  return rawServer((raw) => {
    raw.on('error', () => {})
    const t = new TLSSocket(raw, { isServer: true, key: TEST_CERT.key, cert: TEST_CERT.cert })
    t.on('error', () => {})
    t.once('data', () => raw.resetAndDestroy())
  })
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createNet()
  const port = await listen(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
