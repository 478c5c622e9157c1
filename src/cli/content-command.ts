// `exhunt content lint`: every problem in the content at once, with file and field; exit 1 on errors.
import { lintAllContent } from '../content/lint-all.ts'
import { contentRoot } from '../content/root.ts'
import { EXIT_CLEAN, EXIT_FINDINGS } from './exit-codes.ts'

export async function runContentLint(o: { content?: string; json?: boolean }): Promise<number> {
  const root = o.content ?? contentRoot()
  const r = lintAllContent(root)
  const errors = r.issues.filter((i) => i.severity === 'error')
  const bad = errors.length > 0 || r.tests.failed > 0
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ root, ...r, ok: !bad }, null, 2)}\n`)
  } else {
    for (const i of r.issues) {
      process.stdout.write(`${i.severity}: ${i.file}${i.path ? `: ${i.path}` : ''}: ${i.message}\n`)
    }
    for (const f of r.tests.failures) process.stdout.write(`test failed: ${f}\n`)
    // Grouped by reason (--json lists every rule): the rules compile; these do not run here.
    const byReason = new Map<string, number>()
    for (const s of r.sigmaSkipped) {
      const why = s.kind === 'noisy' ? 'noisy (content/rules/sigma/noisy.yml)' : s.reason
      byReason.set(why, (byReason.get(why) ?? 0) + 1)
    }
    for (const [reason, n] of byReason) process.stdout.write(`sigma: ${n} skipped: ${reason}\n`)
    const c = r.counts
    process.stdout.write(
      `${c.nativeRules} log rules, ${c.webfileHeuristics} web-file heuristics, ${c.artefactRules} artefact rules, ` +
        `${c.yaraRules} YARA rules in ${c.yaraFiles} files, ${c.sigmaRules} Sigma rules (${c.sigmaVendored} vendored files, ${c.sigmaSkipped} skipped), ` +
        `${c.iocs} IOCs, ${c.cveFamilies} CVE families, ${c.probeRules} probe rules\n` +
        `${errors.length} errors, ${r.issues.length - errors.length} warnings, ` +
        `${r.tests.run} rule tests (${r.tests.failed} failed)\n`,
    )
  }
  return bad ? EXIT_FINDINGS : EXIT_CLEAN
}
