// A watched folder: every .zip dropped into it becomes a hunt job once its size and mtime stayed the
// same over one poll (a file still being copied in is left for the next poll). Polling, not
// fs.watch: it sees files on network shares too and cannot miss an event.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Store } from '../store/open.ts'
import { type QueuedHunt, queueHunt } from './enqueue-hunt.ts'

export interface WatchOptions {
  store: Store
  dir: string
  actor: string
  pollMs: number
  /** Each hunt's limit, when shorter than the worker's. */
  timeoutMs?: number
  signal: AbortSignal
  onQueued(q: QueuedHunt): void
  onError(path: string, err: Error): void
}

export async function watchFolder(o: WatchOptions): Promise<void> {
  const seen = new Map<string, string>() // name → size:mtime last poll
  const done = new Map<string, string>() // name → size:mtime queued (a replaced file is queued again)
  while (!o.signal.aborted) {
    let names: string[] = []
    try {
      names = readdirSync(o.dir).filter((n) => n.toLowerCase().endsWith('.zip'))
    } catch (e) {
      o.onError(o.dir, e as Error)
    }
    for (const name of names.sort()) {
      if (o.signal.aborted) break
      const path = join(o.dir, name)
      let sig: string
      try {
        const st = statSync(path)
        if (!st.isFile()) continue
        sig = `${st.size}:${st.mtimeMs}`
      } catch {
        continue // gone between listing and stat
      }
      const stable = seen.get(name) === sig
      seen.set(name, sig)
      if (!stable || done.get(name) === sig) continue
      try {
        o.onQueued(
          await queueHunt(o.store, path, o.actor, o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
        )
        done.set(name, sig)
      } catch (e) {
        o.onError(path, e as Error)
        done.set(name, sig) // reported once, tried again only when the file changes
      }
    }
    await new Promise<void>((r) => {
      const t = setTimeout(r, o.pollMs)
      o.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(t)
          r()
        },
        { once: true },
      )
    })
  }
}
