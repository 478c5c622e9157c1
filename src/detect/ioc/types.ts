// An indicator of compromise as the loaders hand it to the matcher: value, kind and who published it.
import type { Proof, Severity } from '../../shared/types.ts'

export const IOC_TYPES = [
  'sha256',
  'sha1',
  'md5',
  'ipv4',
  'ipv6',
  'cidr',
  'domain',
  'user_agent',
  'filename',
  'filepath',
  'filepath_regex',
  'path_pattern',
  'url_path',
  'url_path_post',
  /** Not an indicator: a file name Exchange ships in the folders shells use (allowlist for path patterns). */
  'known_good_name',
] as const
export type IocType = (typeof IOC_TYPES)[number]

export function isIocType(s: string): s is IocType {
  return (IOC_TYPES as readonly string[]).includes(s)
}

export interface Ioc {
  value: string
  type: IocType
  /** Lists that publish it, e.g. ['mstic-azure-sentinel', 'signature-base/hash-iocs']. */
  origins: string[]
  notes?: string
  /** Content file it came from (relative to the content root) or the user's feed. */
  file: string
  license?: string
  /** Link to the list upstream (DRL 1.1 requires it in every finding). */
  url?: string
  author?: string
  severity?: Severity
  /** What a match proves on its own (content/ioc/proves.yml, by type). */
  proves?: Proof
}
