// The embedded store: PGlite (PostgreSQL compiled to WebAssembly) in a data folder, served to this
// process's pg.Pool (and to other exhunt processes on the same machine) through a Unix socket in
// that folder (pglite-server.ts: why not @electric-sql/pglite-socket). One process owns the folder (PGlite's files must never
// be opened twice); it writes its pid to `owner.pid`. A second process finds the owner alive and
// connects through its socket instead.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { ExhuntError } from '../shared/errors.ts'
import { servePglite } from './pglite-server.ts'

/** pg finds a Unix socket as `<host>/.s.PGSQL.<port>`. */
export const SOCKET_PORT = 5432
// sun_path is 108 bytes on Linux, 104 on macOS
const MAX_SOCKET_PATH = 100

export interface EmbeddedPaths {
  dir: string
  pgdata: string
  socket: string
  pidFile: string
}

export function embeddedPaths(dataDir: string): EmbeddedPaths {
  const dir = resolve(dataDir)
  return {
    dir,
    pgdata: join(dir, 'pgdata'),
    socket: join(dir, `.s.PGSQL.${SOCKET_PORT}`),
    pidFile: join(dir, 'owner.pid'),
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The pid of the live process that owns the folder, or undefined. */
export function embeddedOwner(paths: EmbeddedPaths): number | undefined {
  let text: string
  try {
    text = readFileSync(paths.pidFile, 'utf8')
  } catch {
    return undefined
  }
  const pid = Number(text.trim())
  // our own pid counts: a second open in this process must not open PGlite's files twice either
  return Number.isInteger(pid) && pid > 0 && (pid === process.pid || alive(pid)) ? pid : undefined
}

/** Takes the folder (O_EXCL pid file; a dead owner's file is removed first), or returns false. */
function takeOwnership(paths: EmbeddedPaths): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(paths.pidFile, 'wx')
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      return true
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      if (embeddedOwner(paths) !== undefined) return false
      rmSync(paths.pidFile, { force: true }) // a killed owner's
    }
  }
  return false
}

export interface EmbeddedServer {
  paths: EmbeddedPaths
  db: PGlite
  stop(): Promise<void>
}

/** Opens PGlite in the folder and serves it on the folder's socket; undefined when another process owns it. */
export async function startEmbedded(dataDir: string): Promise<EmbeddedServer | undefined> {
  const paths = embeddedPaths(dataDir)
  if (paths.socket.length > MAX_SOCKET_PATH)
    throw new ExhuntError(
      'EXH_ERR_STORE',
      `data folder path too long for its Unix socket (${paths.socket.length} > ${MAX_SOCKET_PATH} bytes): ${paths.dir}`,
    )
  mkdirSync(paths.dir, { recursive: true })
  if (!takeOwnership(paths)) return undefined
  try {
    const db = await PGlite.create(paths.pgdata)
    if (existsSync(paths.socket)) rmSync(paths.socket) // left by a killed owner: we hold the pid file
    const server = await servePglite(db, paths.socket)
    let stopped = false
    return {
      paths,
      db,
      async stop() {
        if (stopped) return
        stopped = true
        await server.close()
        await db.close()
        rmSync(paths.socket, { force: true })
        rmSync(paths.pidFile, { force: true })
      },
    }
  } catch (e) {
    rmSync(paths.pidFile, { force: true })
    throw e
  }
}
