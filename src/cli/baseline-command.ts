// `exhunt baseline create DIR`: hash a trusted Exchange install into a known-good list for --baseline.
import { writeFileSync } from 'node:fs'
import { createBaseline } from '../content/baseline/create-baseline.ts'
import { EXIT_CLEAN } from './exit-codes.ts'

export async function runBaselineCreate(
  dir: string,
  o: { product: string; build: string; output?: string },
): Promise<number> {
  const text = await createBaseline(dir, { product: o.product, build: o.build })
  if (o.output) writeFileSync(o.output, text)
  else process.stdout.write(text)
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#')).length
  process.stderr.write(`exhunt: ${lines} files hashed from ${dir}\n`)
  return EXIT_CLEAN
}
