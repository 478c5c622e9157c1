// A big IIS log made of the demo's attack day repeated: every copy holds the same ProxyLogon lines,
// so every line past the prefilter is parsed and matched (slow enough to stop a hunt in the middle).
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './corpus.ts'

const DAY = join(REPO_ROOT, 'demo/evidence/C/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log')

/** Writes `<root>/C/inetpub/logs/LogFiles/W3SVC1/<name>` of at least `bytes`; returns its path. */
export function writeBigIisLog(root: string, bytes: number, name = 'u_ex210303.log'): string {
  const lines = readFileSync(DAY, 'utf8').split('\n')
  const head = `${lines.filter((l) => l.startsWith('#')).join('\n')}\n`
  const body = `${lines.filter((l) => l && !l.startsWith('#')).join('\n')}\n`
  const dir = join(root, 'C/inetpub/logs/LogFiles/W3SVC1')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, name)
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, head)
    for (let n = 0; n < bytes; n += body.length) writeSync(fd, body)
  } finally {
    closeSync(fd)
  }
  return path
}
