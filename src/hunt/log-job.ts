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
}
