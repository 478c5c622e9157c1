// One hunt or several: a folder that holds nothing but evidence zips (KAPE, Velociraptor or CyLR
// collections of several servers, host1.zip, host2.zip, ...) is several servers' evidence, and each zip
// is hunted on its own. Anything else beside the zips (a log, a folder, an Exchange tree) keeps the
// folder one evidence: the zips may then be part of it (rotated logs, a staged archive).
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface ListedEntry {
  name: string
  type: 'file' | 'dir' | 'other'
}

export type EvidencePlan = { mode: 'one' } | { mode: 'batch'; zips: string[] }

/** Names that travel with a collection without being evidence: checksums, signatures, OS litter. */
const SIDECAR = /^\.|\.(?:sha256|sha1|sha512|md5|sig|asc)$|^(?:thumbs\.db|desktop\.ini)$/i
const ZIP = /\.zip$/i

/** Pure: the plan for a folder listing (top level only). */
export function planListing(entries: readonly ListedEntry[]): EvidencePlan {
  const zips: string[] = []
  for (const e of entries) {
    if (e.type === 'file' && ZIP.test(e.name)) zips.push(e.name)
    else if (!(e.type === 'file' && SIDECAR.test(e.name))) return { mode: 'one' }
  }
  if (zips.length === 0) return { mode: 'one' }
  return { mode: 'batch', zips: zips.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) }
}

/** The plan for PATH: a file or an unreadable folder is one evidence (the hunt reports why). */
export function planEvidence(input: string): EvidencePlan {
  try {
    if (!statSync(input).isDirectory()) return { mode: 'one' }
    // A symbolic link is 'other': following it could read outside the evidence folder.
    const listed = readdirSync(input, { withFileTypes: true }).map(
      (d): ListedEntry => ({
        name: d.name,
        type: d.isFile() ? 'file' : d.isDirectory() ? 'dir' : 'other',
      }),
    )
    const plan = planListing(listed)
    return plan.mode === 'batch'
      ? { mode: 'batch', zips: plan.zips.map((z) => join(input, z)) }
      : plan
  } catch {
    return { mode: 'one' }
  }
}
