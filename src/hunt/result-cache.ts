// Opt-in persistent cache of what a web file's bytes alone produce (YARA matches of the rules that read
// no path, heuristic hits per path key, encoding), keyed by the file's SHA-256 under a namespace that is
// the digest of the content version (every content file, the manifest, exhunt's version) and the rule
// texts compiled. Repeated hunts and survey workers then skip YARA and heuristics for bytes seen before.
// Entries are written atomically (temp file, rename); an unreadable or foreign entry is ignored and
// rewritten; the folder is pruned, oldest first, past its size limit.
import { createHash, randomBytes } from 'node:crypto'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'

/** Plain data: what a worker needs to open the same cache. */
export interface ResultCacheConfig {
  dir: string
  /** Digest of the content version and compiled rule texts: entries of other content never match. */
  namespace: string
}

export interface ResultCache {
  get(sha256: string): unknown
  set(sha256: string, value: unknown): void
}

/** Default bound of the cache folder. */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024

// 2: YARA matches kept per scanned buffer (bytes, UTF-8 form), as the YARA engine asks for them.
const FORMAT = 2
const SHA256 = /^[0-9a-f]{64}$/

export function cacheNamespace(contentVersion: string, ruleTexts: readonly string[]): string {
  const h = createHash('sha256').update(`exhunt-result-cache/${FORMAT}\0${contentVersion}\0`)
  for (const t of ruleTexts) h.update(t).update('\0')
  return h.digest('hex')
}

function entryPath(cfg: ResultCacheConfig, sha256: string): string {
  return join(cfg.dir, cfg.namespace.slice(0, 16), sha256.slice(0, 2), `${sha256}.json`)
}

/** A cache over `cfg`; every failure (a missing folder, a full disk, a bad entry) only loses the entry. */
export function openResultCache(cfg: ResultCacheConfig): ResultCache {
  return {
    get(sha256) {
      if (!SHA256.test(sha256)) return undefined
      try {
        const e = JSON.parse(readFileSync(entryPath(cfg, sha256), 'utf8')) as Record<
          string,
          unknown
        >
        if (e.format !== FORMAT || e.namespace !== cfg.namespace || e.sha256 !== sha256)
          return undefined
        return e.value
      } catch {
        return undefined
      }
    },
    set(sha256, value) {
      if (!SHA256.test(sha256)) return
      const file = entryPath(cfg, sha256)
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
      try {
        mkdirSync(join(file, '..'), { recursive: true })
        writeFileSync(
          tmp,
          JSON.stringify({ format: FORMAT, namespace: cfg.namespace, sha256, value }),
        )
        // Readers see the old entry or the new one, never half of one.
        renameSync(tmp, file)
      } catch {
        try {
          unlinkSync(tmp)
        } catch {}
      }
    },
  }
}

function listEntries(dir: string): { path: string; size: number; mtime: number }[] {
  const out: { path: string; size: number; mtime: number }[] = []
  let names: string[]
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  } catch {
    return out
  }
  for (const n of names) {
    if (!n.endsWith('.json') && !n.endsWith('.tmp')) continue
    try {
      const st = statSync(join(dir, n))
      if (st.isFile()) out.push({ path: join(dir, n), size: st.size, mtime: st.mtimeMs })
    } catch {}
  }
  return out
}

/**
 * Keeps the folder under `maxBytes`: removes the oldest entries (and leftover temp files) down to 80 %
 * of it. Run once per hunt before the scan; returns the bytes left.
 */
export function pruneResultCache(dir: string, maxBytes = DEFAULT_CACHE_BYTES): number {
  const entries = listEntries(dir)
  let total = entries.reduce((n, e) => n + e.size, 0)
  const stale = Date.now() - 60 * 60 * 1000
  for (const e of entries) {
    // A temp file an hour old belongs to a writer that died before its rename.
    if (e.path.endsWith('.tmp') && e.mtime < stale) {
      try {
        rmSync(e.path)
        total -= e.size
      } catch {}
    }
  }
  if (total <= maxBytes) return total
  entries.sort((a, b) => a.mtime - b.mtime)
  for (const e of entries) {
    if (total <= maxBytes * 0.8) break
    try {
      rmSync(e.path, { force: true })
      total -= e.size
    } catch {}
  }
  return total
}
