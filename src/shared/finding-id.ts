// One way to name a finding: stable across runs on the same evidence (same rule, artefact and place),
// so reports can be diffed and findings linked. 16 hex characters of a SHA-1 over the parts.
import { createHash } from 'node:crypto'

export function findingId(...parts: readonly (string | number | undefined)[]): string {
  return createHash('sha1')
    .update(parts.map((p) => p ?? '').join('\0'))
    .digest('hex')
    .slice(0, 16)
}
