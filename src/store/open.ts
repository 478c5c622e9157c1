// Opens the store: PostgreSQL when a URL is given (DATABASE_URL), else the embedded PGlite in a data
// folder. Either way the caller gets a pg.Pool, so every query and graphile-worker run the same code
// on both backends.
import pg from 'pg'
import { ExhuntError } from '../shared/errors.ts'
import { embeddedOwner, embeddedPaths, SOCKET_PORT, startEmbedded } from './embedded.ts'
import { migrate } from './migrate.ts'

export type StoreKind = 'pglite' | 'postgres'

export interface StoreOptions {
  /** postgres://… ; when absent, the embedded store in `dataDir`. */
  databaseUrl?: string
  /** The embedded store's folder (default `./exhunt-data`). */
  dataDir?: string
  /** Connections of this process's pool (default 10). */
  poolSize?: number
  /**
   * Embedded only: this process must own the data folder (a worker: graphile-worker's locks mean
   * nothing across PGlite's one shared session). Without it a process connects through the owner's socket.
   */
  requireOwner?: boolean
  /** Apply the migrations (default true). */
  migrate?: boolean
}

export interface Store {
  kind: StoreKind
  pool: pg.Pool
  /** What to show: the data folder, or the URL without its password. */
  where: string
  /** Embedded: this process owns the folder (serves its socket). Always true on PostgreSQL. */
  owner: boolean
  close(): Promise<void>
}

export const DEFAULT_DATA_DIR = 'exhunt-data'

function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'DATABASE_URL'
  }
}

function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config)
  // An idle client losing its server (a restart, the embedded owner exiting) must not crash the
  // process: the next query fails with the error instead.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  return pool
}

async function check(pool: pg.Pool, where: string): Promise<void> {
  try {
    await pool.query('select 1')
  } catch (e) {
    await pool.end().catch(() => {})
    throw new ExhuntError(
      'EXH_ERR_STORE',
      `cannot reach the store at ${where}: ${(e as Error).message}`,
      {
        cause: e,
      },
    )
  }
}

export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const max = opts.poolSize ?? 10
  let store: Store
  if (opts.databaseUrl) {
    const where = redact(opts.databaseUrl)
    const pool = quietPool({ connectionString: opts.databaseUrl, max })
    await check(pool, where)
    store = { kind: 'postgres', pool, where, owner: true, close: () => pool.end() }
  } else {
    const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR
    const server = await startEmbedded(dataDir)
    const paths = embeddedPaths(dataDir)
    if (!server) {
      const pid = embeddedOwner(paths)
      if (opts.requireOwner)
        throw new ExhuntError(
          'EXH_ERR_STORE_OWNED',
          `the embedded store ${paths.dir} is open in process ${pid ?? '?'}: on PGlite one process owns it (stop that one, or use PostgreSQL through DATABASE_URL for several workers)`,
        )
    }
    // pg reaches a Unix socket as host = folder, port = the socket's suffix
    const pool = quietPool({
      host: paths.dir,
      port: SOCKET_PORT,
      user: 'postgres',
      database: 'postgres',
      max,
    })
    await check(pool, paths.dir).catch(async (e) => {
      await server?.stop()
      throw e
    })
    store = {
      kind: 'pglite',
      pool,
      where: paths.dir,
      owner: server !== undefined,
      async close() {
        await pool.end()
        await server?.stop()
      },
    }
  }
  if (opts.migrate !== false) {
    try {
      await migrate(store.pool)
    } catch (e) {
      await store.close().catch(() => {})
      throw e
    }
  }
  return store
}
