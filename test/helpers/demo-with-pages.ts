// The demo evidence copied to a temp folder with 240 small pages added: enough web files that a
// one-shot hunt hands them to workers (two pools run in one hunt).
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from './corpus.ts'
import { tmpDir } from './tmp.ts'

export const DEMO_EVIDENCE = join(REPO_ROOT, 'demo', 'evidence')

export function demoWithPages(): string {
  const root = tmpDir()
  cpSync(DEMO_EVIDENCE, root, { recursive: true })
  const dir = join(root, 'C', 'inetpub', 'wwwroot', 'aspnet_client', 'bulk')
  mkdirSync(dir, { recursive: true })
  for (let i = 0; i < 240; i++) {
    writeFileSync(join(dir, `page${i}.aspx`), `<%@ Page Language="C#" %>\n<p>page ${i}</p>\n`)
  }
  return root
}
