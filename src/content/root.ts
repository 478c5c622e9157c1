// Where the shipped content lives. Found by walking up from this module, so it works from src/ (tsx),
// from dist/ (the esbuild bundle) and from an installed package alike.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

let cached: string | undefined

export function contentRoot(): string {
  if (process.env.EXHUNT_CONTENT) return process.env.EXHUNT_CONTENT
  if (cached) return cached
  let dir = import.meta.dirname
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'content', 'rules')) && existsSync(join(dir, 'package.json'))) {
      cached = join(dir, 'content')
      return cached
    }
    dir = dirname(dir)
  }
  throw new Error('exhunt content folder not found next to the package (set EXHUNT_CONTENT)')
}
