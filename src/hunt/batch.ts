// A folder of evidence zips (src/sources/evidence-plan.ts): each zip is its own evidence and gets its
// own hunt(), one after another (each hunt already uses every core). A zip that cannot be read at all
// is recorded and the batch goes on to the next server.
import { basename } from 'node:path'
import type { BatchEntry } from '../analysis/batch-entry.ts'
import { toItemError } from '../shared/errors.ts'
import { type HuntOptions, hunt } from './run.ts'

export async function huntBatch(
  zips: readonly string[],
  opts: Omit<HuntOptions, 'input'>,
  onEntry?: (entry: BatchEntry, index: number) => void | Promise<void>,
): Promise<BatchEntry[]> {
  const out: BatchEntry[] = []
  for (const [i, path] of zips.entries()) {
    if (opts.signal?.aborted) break
    const entry: BatchEntry = { evidence: basename(path), path }
    try {
      entry.report = await hunt({ ...opts, input: path })
    } catch (err) {
      const e = toItemError(err, path, 'EXH_ERR_INPUT')
      entry.error = { code: e.code, message: e.message }
    }
    out.push(entry)
    await onEntry?.(entry, i)
  }
  return out
}
