// Every module edge of a source tree, read with the TypeScript parser rather than a regex, so that
// side-effect imports, `require`, `createRequire`, dynamic `import()` and worker entries are all seen.
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, posix, relative, sep } from 'node:path'
import ts from 'typescript'

/**
 * How a module is reached. `type` edges are erased at run time (`import type`, `export type`,
 * `import('x').T` in a type, or an import whose every name is `type`); the others load code.
 * `worker` is `new URL('./x.ts', import.meta.url)`: a worker entry, loaded in another isolate.
 */
export type EdgeKind =
  | 'import'
  | 'side-effect'
  | 'export-from'
  | 'dynamic'
  | 'require'
  | 'create-require'
  | 'worker'
  | 'type'

export interface ImportEdge {
  /** The file that imports, relative to the root, with `/` separators. */
  from: string
  spec: string
  kind: EdgeKind
  line: number
  /** A file under the root (relative, `/`), when `spec` is relative; otherwise undefined. */
  target?: string
  /** The package name (`yaml`, `@litko/yara-x`) or builtin (`node:fs`), when not relative. */
  external?: string
}

/** `node:fs/promises` → `node:fs`; bare builtins get their `node:` prefix so one name covers both. */
export function externalName(spec: string): string {
  if (spec.startsWith('node:')) return `node:${spec.slice(5).split('/')[0]}`
  const parts = spec.split('/')
  const pkg = spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string)
  return builtinModules.includes(pkg) ? `node:${pkg}` : pkg
}

function stringArg(node: ts.Node | undefined): string | undefined {
  return node && ts.isStringLiteralLike(node) ? node.text : undefined
}

/** Every import edge of one file's text. `from` is the file's path relative to the root. */
export function importsOf(from: string, text: string): ImportEdge[] {
  const sf = ts.createSourceFile(from, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const out: ImportEdge[] = []
  const add = (spec: string, kind: EdgeKind, node: ts.Node) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1
    const edge: ImportEdge = { from, spec, kind, line }
    if (spec.startsWith('.')) edge.target = posix.normalize(posix.join(posix.dirname(from), spec))
    else edge.external = externalName(spec)
    out.push(edge)
  }
  // Names bound to `createRequire(...)`: calls through them are `require` edges too.
  const requireNames = new Set(['require'])

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const spec = stringArg(node.moduleSpecifier)
      if (spec !== undefined) {
        const clause = node.importClause
        let kind: EdgeKind = 'import'
        if (!clause) kind = 'side-effect'
        else if (clause.isTypeOnly) kind = 'type'
        else if (
          !clause.name &&
          clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly)
        )
          kind = 'type'
        add(spec, kind, node)
      }
    } else if (ts.isExportDeclaration(node)) {
      const spec = stringArg(node.moduleSpecifier)
      if (spec !== undefined) {
        const named = node.exportClause
        const allTypes =
          node.isTypeOnly ||
          (named !== undefined &&
            ts.isNamedExports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly))
        add(spec, allTypes ? 'type' : 'export-from', node)
      }
    } else if (ts.isImportEqualsDeclaration(node)) {
      const ref = node.moduleReference
      if (ts.isExternalModuleReference(ref)) {
        const spec = stringArg(ref.expression)
        if (spec !== undefined) add(spec, node.isTypeOnly ? 'type' : 'require', node)
      }
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument
      if (ts.isLiteralTypeNode(arg)) {
        const spec = stringArg(arg.literal)
        if (spec !== undefined) add(spec, 'type', node)
      }
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression
      const first = node.arguments[0]
      if (callee.kind === ts.SyntaxKind.ImportKeyword) {
        // import(x) with a computed x is still a module load the map cannot check: record it as such.
        add(stringArg(first) ?? '<computed>', 'dynamic', node)
      } else if (ts.isIdentifier(callee) && requireNames.has(callee.text)) {
        add(stringArg(first) ?? '<computed>', 'require', node)
      } else if (
        (ts.isIdentifier(callee) && callee.text === 'createRequire') ||
        (ts.isPropertyAccessExpression(callee) && callee.name.text === 'createRequire')
      ) {
        add('<createRequire>', 'create-require', node)
        const parent = node.parent
        if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name))
          requireNames.add(parent.name.text)
      }
    } else if (ts.isNewExpression(node)) {
      // new URL('./w.ts', import.meta.url), or a conditional between './w.ts' and './w.mjs'.
      const args = node.arguments ?? []
      const base = args[1]
      if (
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'URL' &&
        base !== undefined &&
        base.getText(sf) === 'import.meta.url'
      ) {
        const a = args[0]
        const candidates =
          a && ts.isConditionalExpression(a)
            ? [stringArg(a.whenTrue), stringArg(a.whenFalse)]
            : [stringArg(a)]
        for (const spec of candidates) {
          if (spec?.startsWith('.') && spec.endsWith('.ts')) add(spec, 'worker', node)
        }
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return out
}

/** Every `.ts` file under root, relative with `/` separators, sorted. */
export function sourceFiles(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
        out.push(relative(root, p).split(sep).join('/'))
    }
  }
  walk(root)
  return out.sort()
}

/** The edges of every `.ts` file under root. */
export function importGraph(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((f) => importsOf(f, readFileSync(join(root, f), 'utf8')))
}

/** `detect/native/match.ts` → `detect`; a file at the root → ''. */
export function topFolder(file: string): string {
  const i = file.indexOf('/')
  return i < 0 ? '' : file.slice(0, i)
}

/**
 * Import cycles among files, following `kinds` edges only: one cycle per strongly connected
 * component, as a path `a.ts → b.ts → a.ts` (Tarjan's algorithm, then a shortest loop inside).
 */
export function findCycles(edges: ImportEdge[], kinds: ReadonlySet<EdgeKind>): string[][] {
  const next = new Map<string, Set<string>>()
  for (const e of edges) {
    if (!e.target || !kinds.has(e.kind)) continue
    const s = next.get(e.from) ?? new Set<string>()
    next.set(e.from, s)
    s.add(e.target)
  }
  const nodes = [...new Set([...next.keys(), ...[...next.values()].flatMap((s) => [...s])])].sort()
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  let counter = 0
  const strong = (v: string) => {
    index.set(v, counter)
    low.set(v, counter++)
    stack.push(v)
    onStack.add(v)
    for (const w of [...(next.get(v) ?? [])].sort()) {
      if (!index.has(w)) {
        strong(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        comp.push(w)
      } while (w !== v)
      const selfLoop = next.get(v)?.has(v)
      if (comp.length > 1 || selfLoop) components.push(comp.sort())
    }
  }
  for (const v of nodes) if (!index.has(v)) strong(v)

  // A shortest loop through the component's first file, found breadth-first inside the component.
  return components.map((comp) => {
    const inComp = new Set(comp)
    const start = comp[0] as string
    const prev = new Map<string, string>()
    const queue = [start]
    while (queue.length) {
      const v = queue.shift() as string
      for (const w of [...(next.get(v) ?? [])].sort()) {
        if (!inComp.has(w)) continue
        if (w === start) {
          const path = [v]
          for (let u = v; u !== start; ) {
            u = prev.get(u) as string
            path.unshift(u)
          }
          return [...path, start]
        }
        if (!prev.has(w)) {
          prev.set(w, v)
          queue.push(w)
        }
      }
    }
    return comp
  })
}
