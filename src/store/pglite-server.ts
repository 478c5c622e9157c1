// Serves one PGlite database to many PostgreSQL wire-protocol connections (this process's pg.Pool
// and other exhunt processes) on a Unix socket, with one rule pglite-socket 0.2.17 lacks: a
// connection's messages run as whole groups, up to and including the Sync (or a simple Query), so
// two connections' extended-protocol messages never interleave in PGlite's one session. pglite-socket
// queues single messages: under graphile-worker's concurrency a Parse of one connection lands
// between another's Parse and Bind ("bind message supplies 13 parameters, but prepared statement ""
// requires 2", seen here with 2 jobs at once). PGlite has one session, so a connection that leaves it
// inside a transaction holds it: the others' groups wait until that transaction ends (or its
// connection closes, which rolls it back).
import { createServer, type Server, type Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
// a Sync ('S'), a simple Query ('Q') or a Flush ('H') ends what the client waits an answer for
const GROUP_END = new Set([0x53, 0x51, 0x48])
const TERMINATE = 0x58 // 'X'
// a frontend message over 1 GiB is hostile or broken
const MAX_MESSAGE = 1 << 30

interface Conn {
  socket: Socket
  buffer: Buffer
  started: boolean
  pending: Buffer[]
  closed: boolean
}

interface Group {
  conn: Conn
  bytes: Uint8Array
}

export interface PgliteServer {
  server: Server
  close(): Promise<void>
  stats(): { connections: number; queued: number }
}

export async function servePglite(db: PGlite, path: string): Promise<PgliteServer> {
  const conns = new Set<Conn>()
  const queue: Group[] = []
  let owner: Conn | null = null // the connection whose transaction is open in the session
  let running = false

  const drop = (conn: Conn) => {
    if (conn.closed) return
    conn.closed = true
    conns.delete(conn)
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]?.conn === conn) queue.splice(i, 1)
    conn.socket.destroy()
    if (owner === conn) {
      owner = null
      // its transaction must not stay open in the shared session
      void db
        .runExclusive(() => db.exec('rollback'))
        .catch(() => {})
        .then(schedule)
    }
  }

  const schedule = () => {
    if (running) return
    const i = owner ? queue.findIndex((g) => g.conn === owner) : 0
    if (i < 0 || queue.length === 0) return
    const [g] = queue.splice(i, 1)
    if (!g) return
    running = true
    db.runExclusive(() =>
      db.execProtocolRawStream(g.bytes, {
        onRawData: (data) => {
          if (!g.conn.closed) g.conn.socket.write(Buffer.from(data))
        },
      }),
    )
      .then(
        () => {
          owner = db.isInTransaction() ? g.conn : null
        },
        () => drop(g.conn),
      )
      .finally(() => {
        running = false
        if (owner?.closed) drop(owner)
        schedule()
      })
  }

  const enqueue = (conn: Conn, bytes: Buffer) => {
    queue.push({ conn, bytes: new Uint8Array(bytes) })
    schedule()
  }

  const onData = (conn: Conn, chunk: Buffer) => {
    conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, chunk]) : chunk
    for (;;) {
      const b = conn.buffer
      if (!conn.started) {
        if (b.length < 8) return
        const len = b.readInt32BE(0)
        if (len < 8 || len > 10_000) return drop(conn)
        if (b.length < len) return
        const code = b.readInt32BE(4)
        conn.buffer = b.subarray(len)
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) conn.socket.write('N')
        else if (code === CANCEL_REQUEST)
          return drop(conn) // not supported: PGlite runs one query at a time
        else {
          conn.started = true
          enqueue(conn, b.subarray(0, len))
        }
        continue
      }
      if (b.length < 5) return
      const len = b.readInt32BE(1)
      if (len < 4 || len > MAX_MESSAGE) return drop(conn)
      if (b.length < len + 1) return
      const type = b[0] as number
      const msg = b.subarray(0, len + 1)
      conn.buffer = b.subarray(len + 1)
      if (type === TERMINATE) return drop(conn)
      conn.pending.push(msg)
      if (GROUP_END.has(type)) {
        const group = Buffer.concat(conn.pending)
        conn.pending = []
        enqueue(conn, group)
      }
    }
  }

  const server = createServer((socket) => {
    const conn: Conn = {
      socket,
      buffer: Buffer.alloc(0),
      started: false,
      pending: [],
      closed: false,
    }
    conns.add(conn)
    socket.setNoDelay?.(true)
    socket.on('data', (chunk) => onData(conn, chunk))
    socket.on('error', () => drop(conn))
    socket.on('close', () => drop(conn))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    server,
    stats: () => ({ connections: conns.size, queued: queue.length }),
    async close() {
      for (const c of [...conns]) drop(c)
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
