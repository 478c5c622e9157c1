// A folder of evidence zips (src/sources/evidence-plan.ts): each zip is its own evidence and gets its
// own hunt, one after another (each hunt already uses every core), on one runner whose workers compile
// the content once for the whole batch. A zip that cannot be read at all is recorded and the batch
// goes on to the next server.
import { basename } from 'node:path'
import type { BatchEntry } from '../analysis/batch-entry.ts'
import { toItemError } from '../shared/errors.ts'
import { createHunter } from './hunter.ts'
import type { HuntOptions } from './run.ts'

export async function huntBatch(
  zips: readonly string[],
  opts: Omit<HuntOptions, 'input'>,
  onEntry?: (entry: BatchEntry, index: number) => void | Promise<void>,
): Promise<BatchEntry[]> {
  const out: BatchEntry[] = []
  const hunter = createHunter(opts.workers !== undefined ? { workers: opts.workers } : {})
  try {
    for (const [i, path] of zips.entries()) {
      if (opts.signal?.aborted) break
      const entry: BatchEntry = { evidence: basename(path), path }
      try {
        entry.report = await hunter.hunt({ ...opts, input: path })
      } catch (err) {
        const e = toItemError(err, path, 'EXH_ERR_INPUT')
        entry.error = { code: e.code, message: e.message }
      }
      out.push(entry)
      await onEntry?.(entry, i)
    }
  } finally {
    await hunter.close()
  }
  return out
}
