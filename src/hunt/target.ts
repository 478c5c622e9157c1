// Who the evidence is from: host names the logs name, the Exchange install folder, and a digest of
// the evidence. Also the scope every finding id is made in (shared/finding-id.ts), so it is known
// before the first finding is emitted.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { commonPathPrefix, type IdScope, idPath } from '../shared/finding-id.ts'
import type { EvidenceDigest, TargetIdentity } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import type { Evidence } from '../sources/discover.ts'
import { readLogHost } from '../sources/logs/log-host.ts'

/** Logs whose head is read for a host name: one per log folder, at most this many. */
const MAX_HOST_LOGS = 32

export interface Target {
  identity: Omit<TargetIdentity, 'evidence'>
  scope: IdScope
}

/** The host's short name as an id sees it: `EXCH01.contoso.local` and `exch01` are one server. */
function hostKey(name: string): string {
  const n = name.toLowerCase()
  return /^[\d.]+$/.test(n) || n.includes(':') ? n : (n.split('.')[0] ?? n)
}

async function hostsOf(artefacts: readonly Artefact[], prefixScope: IdScope): Promise<string[]> {
  // The first log of each folder in id-path order, so a folder and its zip read the same files.
  const firstPerFolder = new Map<string, Artefact>()
  const logs = artefacts
    .filter((a) => a.kind === 'log')
    .map((a) => ({ a, p: idPath(prefixScope, a.path) }))
    .sort((x, y) => (x.p < y.p ? -1 : x.p > y.p ? 1 : 0))
  for (const { a, p } of logs) {
    const dir = p.slice(0, p.lastIndexOf('/') + 1)
    if (!firstPerFolder.has(dir)) firstPerFolder.set(dir, a)
    if (firstPerFolder.size >= MAX_HOST_LOGS) break
  }
  const seen = await Promise.all([...firstPerFolder.values()].map((a) => readLogHost(a.ref)))
  const byKey = new Map<string, string>()
  for (const h of seen) if (h && !byKey.has(h.toLowerCase())) byKey.set(h.toLowerCase(), h)
  return [...byKey.values()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
}

/** The install folder as the server saw it, from an artefact under it that has a Windows path. */
function installPathOf(evidence: Evidence): string | undefined {
  const root = evidence.exchangeRoots[0]
  if (root === undefined) return undefined
  const under = root === '.' || root.endsWith('!.') ? root.slice(0, -1) : `${root}/`
  for (const a of evidence.artefacts) {
    if (!a.windowsPath || !a.path.startsWith(under)) continue
    const rest = `\\${a.path.slice(under.length).replaceAll('/', '\\')}`
    if (a.windowsPath.toLowerCase().endsWith(rest.toLowerCase()))
      return a.windowsPath.slice(0, -rest.length)
  }
  return root
}

export async function identifyTarget(evidence: Evidence): Promise<Target> {
  const prefix = commonPathPrefix(evidence.artefacts.map((a) => a.path))
  const noHost: IdScope = { host: '', prefix }
  const hosts = await hostsOf(evidence.artefacts, noHost)
  const identity: Target['identity'] = { hosts }
  const install = installPathOf(evidence)
  if (install !== undefined) identity.installPath = install
  const keys = [...new Set(hosts.map(hostKey))].sort()
  return { identity, scope: { host: keys.join(','), prefix } }
}

/** SHA-256 of one file, streamed (started beside the hunt, awaited at its end). */
export function fileDigest(fsPath: string): Promise<EvidenceDigest> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(fsPath, { highWaterMark: 1024 * 1024 })
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve({ algorithm: 'sha256', value: hash.digest('hex') }))
  })
}

/**
 * A folder's digest from what discovery listed: relative path, size and mtime of every artefact,
 * sorted. Hashing the bytes of every file would read a terabyte collection twice; a changed,
 * added or removed file still changes the digest through its size or mtime.
 */
export function listingDigest(artefacts: readonly Artefact[]): EvidenceDigest {
  const rows = artefacts.map((a) => `${a.path}\t${a.size}\t${a.mtime ?? ''}`).sort()
  const hash = createHash('sha256')
  for (const r of rows) hash.update(`${r}\n`)
  return { algorithm: 'listing-sha256', value: hash.digest('hex') }
}
