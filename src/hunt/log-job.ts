// Plain-data messages between the hunt and its log workers.
import type { AggregateObservation } from '../detect/native/match.ts'
import type { Finding, ItemError } from '../shared/types.ts'
import type { ArtefactRef } from '../sources/artefact.ts'
import type { LogFileSummary } from '../sources/logs/index.ts'

export interface LogJob {
  ref: ArtefactRef
  path: string
  size: number
}

export interface LogJobResult {
  summary?: LogFileSummary
  findings: Finding[]
  observations: AggregateObservation[]
  errors: ItemError[]
  /** The hunt was aborted while the file was read: what came before is here, the rest unread. */
  cut?: boolean
}
