// One server of a folder of evidence zips: what hunt/batch.ts returns per zip and report/batch.ts renders.
import type { HuntReport } from '../shared/types.ts'

export interface BatchEntry {
  /** The zip's file name: the server it came from, as the collector named it. */
  evidence: string
  path: string
  report?: HuntReport
  /** Why there is no report: the zip could not be hunted at all (exit 2 for the batch). */
  error?: { code: string; message: string }
}
