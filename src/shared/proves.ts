// `proves:` is required in every rule format (native, web-file, artefact, YARA side file, IOC types):
// which verdict a rule can lead to is the rule author's call, written down, never guessed from its level
// or id. One check and one message for every loader. Pure.
import { isProof, PROOFS, type Proof } from './types.ts'

export const PROVES_HELP = `add 'proves: ${PROOFS.join(' | ')}' to the rule: the most one finding of it proves on its own (compromise: the attacker got in; attempt: exploitation was tried; suspicion: a file or setting to review; context: never moves the verdict). See docs/content-format.md`

/** The declared proof, or undefined after reporting what is wrong through `issue`. */
export function provesField(
  v: unknown,
  issue: (path: string, message: string) => void,
  path = 'proves',
): Proof | undefined {
  if (v === undefined || v === null) {
    issue(path, `proves is missing: ${PROVES_HELP}`)
    return undefined
  }
  if (!isProof(v)) {
    issue(path, `proves '${String(v)}' is not one of ${PROOFS.join(', ')}`)
    return undefined
  }
  return v
}

/** The most any of several hits proves: one decisive rule is enough, whichever names the finding. */
export function strongestProof(hits: readonly { proves: Proof }[]): Proof {
  let best = 0
  for (const h of hits) best = Math.max(best, PROOFS.indexOf(h.proves))
  return PROOFS[best] as Proof
}
