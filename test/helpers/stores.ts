// The two store backends every store and survey test runs on: embedded PGlite in a temporary folder,
// and PostgreSQL at 127.0.0.1:5432 (trust auth, database `test`; EXHUNT_TEST_PG overrides) in a
// database made for this test run and dropped after it, since other people use the same server.
// Where no PostgreSQL answers, its tests skip with a message saying so.
import { randomBytes } from 'node:crypto'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import type { StoreOptions } from '../../src/store/open.ts'
import { tmpDir } from './tmp.ts'

export const PG_ADMIN_URL =
  process.env.EXHUNT_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test'

export interface TestBackend {
  name: 'pglite' | 'postgres'
  /** false, or why this backend's tests are skipped. */
  skip: false | string
  /** A fresh, empty store each call. */
  fresh(): Promise<StoreOptions>
  /** Drops every database made by fresh(). */
  cleanup(): Promise<void>
}

async function pgSkip(): Promise<false | string> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 })
  try {
    await c.connect()
    await c.query('select 1')
    return false
  } catch (e) {
    const why = `no PostgreSQL at ${PG_ADMIN_URL} (${(e as Error).message}): PostgreSQL store tests skipped`
    process.stderr.write(`SKIP ${why}\n`)
    return why
  } finally {
    await c.end().catch(() => {})
  }
}

function pgBackend(skip: false | string): TestBackend {
  const made: string[] = []
  return {
    name: 'postgres',
    skip,
    async fresh() {
      const name = `exhunt_test_${process.pid}_${randomBytes(4).toString('hex')}`
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      try {
        await c.query(`create database ${name}`)
      } finally {
        await c.end()
      }
      made.push(name)
      const u = new URL(PG_ADMIN_URL)
      u.pathname = `/${name}`
      return { databaseUrl: u.toString() }
    },
    async cleanup() {
      if (made.length === 0) return
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      try {
        for (const name of made.splice(0))
          await c.query(`drop database if exists ${name} with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}

// PGlite's first start runs initdb (seconds, tens of seconds on a loaded machine): made once per
// test process, then copied for every fresh store.
let template: Promise<string> | undefined

async function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = join(tmpDir('exhunt-store-template-'), 'data')
    const { openStore } = await import('../../src/store/open.ts')
    const s = await openStore({ dataDir: dir })
    await s.close()
    return dir
  })()
  return template
}

function pgliteBackend(): TestBackend {
  return {
    name: 'pglite',
    skip: false,
    async fresh() {
      const dataDir = join(tmpDir('exhunt-store-'), 'data')
      cpSync(await pgliteTemplate(), dataDir, { recursive: true })
      return { dataDir }
    },
    async cleanup() {},
  }
}

/** Both backends, PostgreSQL with its skip reason when it does not answer. */
export async function testBackends(): Promise<TestBackend[]> {
  // EXHUNT_TEST_STORE=pglite|postgres runs one backend only (while working on one of them)
  const only = process.env.EXHUNT_TEST_STORE
  return [pgliteBackend(), pgBackend(await pgSkip())].filter((b) => !only || b.name === only)
}
