// The shared public corpus is read in place (never copied into the repo). Tests skip loudly without it.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..')
export const CORPUS = process.env.EXHUNT_CORPUS ?? resolve(REPO_ROOT, '..', 'shared', 'corpus')
export const SHARED_DATA = resolve(CORPUS, '..', 'data')

const present = existsSync(join(CORPUS, 'README.md'))

/** `false` when the corpus is there, else the skip message for node:test's `{ skip }` option. */
export const corpusSkip: false | string = present
  ? false
  : `shared corpus not found at ${CORPUS} (set EXHUNT_CORPUS or place shared/ beside the repo)`

export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts)
}
