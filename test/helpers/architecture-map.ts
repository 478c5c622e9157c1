// The module map of ARCHITECTURE.md as data, and the check of an import graph against it. The map is
// read from the document itself, so the table that people read is the rule that the test enforces.
import { type EdgeKind, findCycles, type ImportEdge, topFolder } from './import-graph.ts'

/** What one folder of src/ may import: every backticked token of its "may import" cell. */
export interface Allowed {
  /** `shared` for `shared/`. */
  folders: Set<string>
  /** Single files of another folder (`hunt/correlate.ts`). */
  files: Set<string>
  /** Packages and builtins (`yaml`, `node:crypto`); `node:*` allows every builtin. */
  externals: Set<string>
}

/** One edge the map does not allow but the code has today, with the reason it is tolerated. */
export interface Exception {
  from: string
  to: string
  reason: string
}

export interface ArchitectureMap {
  folders: Map<string, Allowed>
  exceptions: Exception[]
}

/** Parses the "Module map" table and the "Known exceptions" list of ARCHITECTURE.md. */
export function parseMap(markdown: string): ArchitectureMap {
  const folders = new Map<string, Allowed>()
  const exceptions: Exception[] = []
  let section = ''
  for (const line of markdown.split('\n')) {
    if (line.startsWith('#')) section = line.replace(/^#+\s*/, '')
    if (section.startsWith('Module map') && line.startsWith('| `')) {
      const cells = line.split('|').map((c) => c.trim())
      // The one file at the top of src/, the library entry, has its own row (folder '').
      const folder =
        cells[1] === `\`${ROOT_ENTRY}\`` ? '' : /^`([^`]+)\/`$/.exec(cells[1] ?? '')?.[1]
      if (folder === undefined) continue
      const allowed: Allowed = { folders: new Set(), files: new Set(), externals: new Set() }
      for (const [, token] of (cells[3] ?? '').matchAll(/`([^`]+)`/g)) {
        const t = token as string
        if (t.endsWith('/')) allowed.folders.add(t.slice(0, -1))
        else if (t.endsWith('.ts')) allowed.files.add(t)
        else allowed.externals.add(t)
      }
      folders.set(folder, allowed)
    }
    if (section.startsWith('Known exceptions')) {
      const m = /^- `([^`]+)` → `([^`]+)`:\s*(.+)$/.exec(line)
      if (m) exceptions.push({ from: m[1] as string, to: m[2] as string, reason: m[3] as string })
    }
  }
  return { folders, exceptions }
}

/** The only file allowed at the top of src/: the library entry. */
export const ROOT_ENTRY = 'index.ts'

/** Tests and their helpers are exempt from the folder rules (a test may reach anything it checks). */
export function isTestFile(file: string): boolean {
  return /\.test(-helper)?\.ts$/.test(file)
}

/** Edges that load code at run time (a cycle of these is an initialisation-order hazard). */
export const RUNTIME_KINDS: ReadonlySet<EdgeKind> = new Set<EdgeKind>([
  'import',
  'side-effect',
  'export-from',
  'dynamic',
  'require',
])

function describe(e: ImportEdge): string {
  return `${e.from}:${e.line} ${e.kind} '${e.spec}'`
}

/**
 * Every way the graph breaks the map, one message per edge or cycle; stale exceptions too, so the
 * list in ARCHITECTURE.md stays exactly what is true. Rules, for each file that is not a test:
 * - its folder is in the map;
 * - `require`, `createRequire` and an import whose target is not a string literal are refused (ESM,
 *   and the map cannot check what it cannot read);
 * - a file of src/ it imports (of any kind, types included: a contract of another layer is still a
 *   dependency) is in its own folder, an allowed folder, an allowed single file, or an exception;
 *   and it is never a test file;
 * - a package or builtin it loads at run time is allowed for its folder (`import type` of one is
 *   erased and does no I/O, so type-only edges to packages are not checked).
 * And no cycle of run-time edges between files.
 */
export function checkArchitecture(edges: ImportEdge[], map: ArchitectureMap): string[] {
  const out: string[] = []
  const used = new Set<Exception>()
  const excepted = (e: ImportEdge, to: string) => {
    const x = map.exceptions.find((x) => x.from === e.from && x.to === to)
    if (x) used.add(x)
    return x !== undefined
  }
  for (const e of edges) {
    if (isTestFile(e.from)) continue
    const folder = topFolder(e.from)
    const allowed = map.folders.get(folder)
    if (folder === '' && e.from !== ROOT_ENTRY) {
      out.push(`${describe(e)}: only ${ROOT_ENTRY} lives at the top of src/`)
      continue
    }
    if (!allowed) {
      out.push(`${describe(e)}: folder '${folder || '.'}' is not in the module map`)
      continue
    }
    if (e.kind === 'require' || e.kind === 'create-require') {
      out.push(`${describe(e)}: require is not used in this ESM code base`)
      continue
    }
    if (e.spec === '<computed>') {
      out.push(`${describe(e)}: an import of a computed name cannot be checked against the map`)
      continue
    }
    if (e.target !== undefined) {
      const to = topFolder(e.target)
      if (isTestFile(e.target)) out.push(`${describe(e)}: production code imports a test file`)
      else if (
        to !== folder &&
        !allowed.folders.has(to) &&
        !allowed.files.has(e.target) &&
        !excepted(e, e.target)
      )
        out.push(`${describe(e)}: ${folder}/ may not import ${to || '.'}/ (${e.target})`)
    } else if (e.external !== undefined && e.kind !== 'type') {
      const ext = e.external
      const ok =
        allowed.externals.has(ext) || (ext.startsWith('node:') && allowed.externals.has('node:*'))
      if (!ok && !excepted(e, ext)) out.push(`${describe(e)}: ${folder}/ may not import ${ext}`)
    }
  }
  for (const cycle of findCycles(
    edges.filter((e) => !isTestFile(e.from)),
    RUNTIME_KINDS,
  ))
    out.push(`import cycle: ${cycle.join(' → ')}`)
  for (const x of map.exceptions)
    if (!used.has(x)) out.push(`stale exception (no such edge any more): ${x.from} → ${x.to}`)
  return out
}
