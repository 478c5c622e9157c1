// `exhunt baseline create DIR`: hash a trusted Exchange install into a known-good list for --baseline.
import { writeFileSync } from 'node:fs'
import { createBaseline } from '../content/baseline/create-baseline.ts'
import { EXIT_CLEAN, EXIT_ERROR } from './exit-codes.ts'
import { checkOutput } from './preflight.ts'
import { say } from './say.ts'

export async function runBaselineCreate(
  dir: string,
  o: { product: string; build: string; output?: string },
): Promise<number> {
  // Checked before hashing a whole install, not after.
  const problem = o.output === undefined ? undefined : checkOutput(o.output)
  if (problem) {
    say(problem)
    return EXIT_ERROR
  }
  const text = await createBaseline(dir, { product: o.product, build: o.build })
  if (o.output) writeFileSync(o.output, text)
  else process.stdout.write(text)
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#')).length
  process.stderr.write(`exhunt: ${lines} files hashed from ${dir}\n`)
  return EXIT_CLEAN
}
