// Servers that misbehave on purpose, for the probe's robustness tests. Each works on the raw socket
// (after TLS where the instance has it), so nothing in Node's HTTP server smooths the misbehaviour out.
// Every timer and stream stops when the client goes away; memory per connection stays constant.
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { gzipBomb } from './gzip-bomb.ts'
import type { HostileKind } from './types.ts'

type Conn = Socket | TLSSocket

/** Writes pieces while the socket accepts them; waits for 'drain' otherwise; stops when it closes. */
function pump(sock: Conn, next: () => Buffer | null): void {
  const go = () => {
    while (!sock.destroyed) {
      const piece = next()
      if (piece === null) {
        sock.end()
        return
      }
      if (!sock.write(piece)) {
        sock.once('drain', go)
        return
      }
    }
  }
  go()
}

/** Runs `fn` once the client has sent its first bytes (the request), as a server would. */
function afterRequest(sock: Conn, fn: (first: Buffer) => void): void {
  sock.once('data', (d: Buffer) => {
    sock.on('data', () => {}) // keep reading so the client's writes never stall
    fn(d)
  })
}

const PAD = 'x'.repeat(64)

export function hostileConnection(kind: HostileKind, sock: Conn, serverName: string): void {
  sock.on('error', () => {})
  switch (kind) {
    case 'tls-stall':
      // Accepts TCP and never says a word (no ServerHello, no HTTP).
      sock.on('data', () => {})
      return
    case 'not-http':
      sock.write(`220 ${serverName} Microsoft ESMTP MAIL Service ready\r\n`)
      sock.on('data', () => {
        if (!sock.destroyed) sock.write('500 5.3.3 Unrecognized command\r\n')
      })
      return
    case 'slow-drip':
      afterRequest(sock, () => {
        const head = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>')
        let i = 0
        const t = setInterval(() => {
          if (sock.destroyed) return clearInterval(t)
          sock.write(i < head.length ? head.subarray(i, i + 1) : '.')
          i++
        }, 500)
        sock.once('close', () => clearInterval(t))
      })
      return
    case 'endless-headers':
      afterRequest(sock, () => {
        let n = 0
        sock.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n')
        pump(sock, () => Buffer.from(`X-Lab-Header-${n++}: ${PAD}\r\n`.repeat(64)))
      })
      return
    case 'endless-body':
      afterRequest(sock, () => {
        sock.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n')
        const chunk = Buffer.alloc(64 * 1024, 0x41)
        pump(sock, () => chunk)
      })
      return
    case 'redirect-loop':
      // Every request is sent back to itself: a client that follows redirects never arrives.
      sock.on('data', (d: Buffer) => {
        const m = /^[A-Z]+ (\S+) HTTP\/1\.[01]\r\n/.exec(d.toString('latin1'))
        if (!m) return
        sock.write(
          `HTTP/1.1 302 Found\r\nLocation: ${m[1]}\r\nContent-Length: 0\r\nServer: Microsoft-IIS/10.0\r\n\r\n`,
        )
      })
      return
    case 'gzip-bomb':
      afterRequest(sock, () => {
        const bomb = gzipBomb()
        sock.write(
          `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.compressedBytes}\r\nConnection: close\r\n\r\n`,
        )
        const it = bomb.pieces()
        pump(sock, () => {
          const r = it.next()
          return r.done ? null : r.value
        })
      })
      return
  }
}
