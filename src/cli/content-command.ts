// `exhunt content lint`: every problem in the content at once, with file and field; exit 1 on errors.
import { lintContent } from '../content/lint.ts'
import { contentRoot } from '../content/root.ts'
import { EXIT_CLEAN, EXIT_FINDINGS } from './exit-codes.ts'

export async function runContentLint(o: { content?: string; json?: boolean }): Promise<number> {
  const root = o.content ?? contentRoot()
  const r = lintContent(root)
  const errors = r.issues.filter((i) => i.severity === 'error')
  const bad = errors.length > 0 || r.tests.failed > 0
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ root, ...r, ok: !bad }, null, 2)}\n`)
  } else {
    for (const i of r.issues)
      process.stdout.write(`${i.severity}: ${i.file}: ${i.path}: ${i.message}\n`)
    for (const f of r.tests.failures) process.stdout.write(`test failed: ${f}\n`)
    process.stdout.write(
      `${r.rules} rules, ${errors.length} errors, ${r.issues.length - errors.length} warnings, ` +
        `${r.tests.run} rule tests (${r.tests.failed} failed)\n`,
    )
  }
  return bad ? EXIT_FINDINGS : EXIT_CLEAN
}
