// Loads the probe rules (content/probe/*.yml, format in docs/content-format.md "Probe rules") for
// `exhunt probe` and `exhunt content lint`: the YAML is read and parsed here, detect/probe validates and
// compiles plain data. `content.probe` keeps only the rules that compile, plus what the engine needs
// from the rest of the content: the file-path IOCs (web-shell paths), the build table, the CVE families.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import type { BuildTable } from '../../detect/exposure/index.ts'
import {
  compileProbeRules,
  type ProbeContent,
  type ProbeRuleSource,
} from '../../detect/probe/index.ts'
import type { CveInfo } from '../builds/cves.ts'
import type { Ioc } from '../ioc/load.ts'
import { type ContentIssue, readContentText } from '../issues.ts'

/** Parses each file's YAML text and keeps the rules that compile; problems come back as issues. */
export function probeContentFrom(
  files: readonly { file: string; text: string }[],
  iocs: readonly Ioc[],
  builds: BuildTable,
  cves: readonly CveInfo[],
): { probe: ProbeContent; issues: ContentIssue[] } {
  const issues: ContentIssue[] = []
  const sources: ProbeRuleSource[] = []
  for (const { file, text } of files) {
    try {
      sources.push({ file, doc: parse(text) })
    } catch (e) {
      issues.push({
        file,
        path: '',
        severity: 'error',
        message: `not valid YAML: ${(e as Error).message}`,
      })
    }
  }
  const iocPaths = iocs
    .filter((i) => i.type === 'filepath')
    .map((i) => ({ value: i.value, severity: i.severity ?? 'medium' }))
  const compiled = compileProbeRules(sources, iocPaths)
  issues.push(...compiled.issues)
  const probe: ProbeContent = {
    rules: compiled.accepted,
    iocPaths,
    builds,
    families: cves.map((c) => ({
      id: c.id,
      name: c.name,
      cves: [...c.cves],
      exploited: [...c.kev],
    })),
  }
  return { probe, issues }
}

/** Reads content/probe/*.yml; a missing folder is an error of the content, never a throw. */
export function loadProbeContent(
  contentRoot: string,
  iocs: readonly Ioc[],
  builds: BuildTable,
  cves: readonly CveInfo[],
): { probe: ProbeContent; issues: ContentIssue[] } {
  const dir = join(contentRoot, 'probe')
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.yml'))
      .sort()
  } catch (e) {
    const message = `cannot read the folder: ${(e as Error).message}`
    const empty = probeContentFrom([], iocs, builds, cves)
    return { probe: empty.probe, issues: [{ file: 'probe', path: '', severity: 'error', message }] }
  }
  const readIssues: ContentIssue[] = []
  const files: { file: string; text: string }[] = []
  for (const n of names) {
    const file = `probe/${n}`
    const text = readContentText(join(dir, n), file, readIssues)
    if (text !== undefined) files.push({ file, text })
  }
  const r = probeContentFrom(files, iocs, builds, cves)
  return { probe: r.probe, issues: [...readIssues, ...r.issues] }
}
