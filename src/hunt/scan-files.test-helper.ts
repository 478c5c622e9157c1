// Test-only: file artefacts straight from paths (discovery is another module's job).
import { createReadStream, statSync } from 'node:fs'
import type { Artefact } from '../sources/artefact.ts'

export function fileArtefact(fsPath: string, display: string, windowsPath?: string): Artefact {
  const st = statSync(fsPath)
  const a: Artefact = {
    kind: 'webfile',
    path: display,
    size: st.size,
    mtime: st.mtime.toISOString(),
    ref: { type: 'file', fsPath },
    open: () => createReadStream(fsPath),
  }
  if (windowsPath) a.windowsPath = windowsPath
  return a
}
