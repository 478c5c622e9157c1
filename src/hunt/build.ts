// Which Exchange build is installed? Read, never run: ExSetup.exe's version resource first (what
// CSS-Exchange HealthChecker trusts), then a Microsoft.Exchange.*.dll, the highest owa/auth/<build>
// folder, and last the #Version headers and version columns of Exchange logs.
import type { Readable } from 'node:stream'
import { type BuildCandidate, normaliseBuild, pickBuild } from '../detect/exposure/index.ts'
import { toItemError } from '../shared/errors.ts'
import type { ItemError } from '../shared/types.ts'
import type { Artefact } from '../sources/artefact.ts'
import type { Evidence } from '../sources/discover.ts'
import type { LogFileSummary } from '../sources/logs/index.ts'
import { readPeVersionFromFile } from '../sources/pe/read-file.ts'
import { readPeVersion } from '../sources/pe/version.ts'

const OWA_AUTH_BUILD = /\/owa\/auth\/(\d{2}\.\d+\.\d+\.\d+)\//i
const PE_MAX_BYTES = 64 * 1024 * 1024

async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let n = 0
  for await (const c of stream) {
    n += (c as Buffer).length
    if (n > max) {
      stream.destroy()
      throw new Error(`larger than ${max} bytes`)
    }
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks, n)
}

async function peBuild(a: Artefact): Promise<string | undefined> {
  if (a.ref.type === 'file') {
    const r = readPeVersionFromFile(a.ref.fsPath)
    if (!r.ok) throw new Error(r.reason)
    return r.version.fileVersion ?? r.version.productVersion
  }
  const v = readPeVersion(await readAll(a.open(), PE_MAX_BYTES))
  return v?.fileVersion ?? v?.productVersion
}

export async function buildCandidates(
  evidence: Evidence,
  summaries: readonly LogFileSummary[],
  errors: ItemError[],
  signal?: AbortSignal,
): Promise<BuildCandidate[]> {
  const out: BuildCandidate[] = []
  for (const a of evidence.artefacts) {
    // An aborted hunt reads no more binaries; names and log headers cost nothing and still count.
    if (a.kind === 'binary' && !signal?.aborted) {
      const name = a.path.split(/[\\/]/).pop() ?? a.path
      try {
        const v = await peBuild(a)
        if (v) out.push({ build: v, source: `${name} version resource` })
      } catch (err) {
        errors.push(toItemError(err, a.path, 'EXH_ERR_PE_VERSION'))
      }
    }
    const m = OWA_AUTH_BUILD.exec(a.path.replaceAll('\\', '/'))
    if (m?.[1]) out.push({ build: m[1], source: 'owa/auth folder name' })
  }
  for (const s of summaries) {
    for (const b of s.builds) out.push({ build: b, source: 'Exchange log header (#Version)' })
  }
  return out
}

export async function detectBuild(
  evidence: Evidence,
  summaries: readonly LogFileSummary[],
  errors: ItemError[],
  signal?: AbortSignal,
): Promise<BuildCandidate | null> {
  const candidates = await buildCandidates(evidence, summaries, errors, signal)
  const best = pickBuild(candidates)
  return best && normaliseBuild(best.build) ? best : null
}
