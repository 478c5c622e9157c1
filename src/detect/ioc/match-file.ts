// File-side IOC tests: hashes, exact shell paths (wherever Exchange is installed), file names, and
// third-party path regexes — compiled with RE2 only, as they come from lists we do not control.
import RE2 from 're2'
import type { HitContext } from './finding.ts'
import { compilePathPattern, type PathPattern } from './path-pattern.ts'
import type { Ioc } from './types.ts'

export interface FileInfo {
  path: string
  windowsPath?: string
  sha256?: string
  sha1?: string
  md5?: string
  size?: number
}

type FileHit = (ioc: Ioc, ctx: Omit<HitContext, 'path' | 'evidence'>) => void

export interface FileIocs {
  match(file: FileInfo, hit: FileHit): void
}

function push<K>(m: Map<K, Ioc[]>, k: K, ioc: Ioc): void {
  const list = m.get(k)
  if (list) list.push(ioc)
  else m.set(k, [ioc])
}

const EXCHANGE_V15 = '\\exchange server\\v15\\'

/** Lowercase backslash path without drive; Exchange paths keep only what follows `...\V15`. */
export function pathKey(p: string): string {
  let k = p.toLowerCase().replaceAll('/', '\\')
  const at = k.indexOf(EXCHANGE_V15)
  if (at !== -1) return k.slice(at + EXCHANGE_V15.length - 1)
  k = k.replace(/^[a-z]:/, '')
  return k.startsWith('\\') ? k : `\\${k}`
}

/** The Windows path a regex is tested against: the layout's guess, else the display path. */
export function windowsPathOf(file: FileInfo): string {
  if (file.windowsPath) return file.windowsPath
  const inner = file.path.includes('!')
    ? file.path.slice(file.path.lastIndexOf('!') + 1)
    : file.path
  const w = inner.replaceAll('/', '\\')
  return w.startsWith('\\') ? w : `\\${w}`
}

function baseName(winPath: string): string {
  return winPath.slice(winPath.lastIndexOf('\\') + 1)
}

export function compileFileIocs(iocs: readonly Ioc[]): FileIocs {
  const hashes = new Map<string, Ioc[]>()
  const byBase = new Map<string, { key: string; ioc: Ioc }[]>()
  const names = new Map<string, Ioc[]>()
  const regexSources: string[] = []
  const regexIocs: Ioc[] = []
  const patterns: { p: PathPattern; ioc: Ioc }[] = []
  const knownGood = new Set(
    iocs.filter((i) => i.type === 'known_good_name').map((i) => i.value.trim().toLowerCase()),
  )
  for (const ioc of iocs) {
    const v = ioc.value.trim()
    switch (ioc.type) {
      case 'sha256':
      case 'sha1':
      case 'md5':
        push(hashes, v.toLowerCase(), ioc)
        break
      case 'filepath': {
        const key = pathKey(v)
        const base = baseName(key)
        const list = byBase.get(base)
        if (list) list.push({ key, ioc })
        else byBase.set(base, [{ key, ioc }])
        break
      }
      case 'filename':
        push(names, v.toLowerCase(), ioc)
        break
      case 'filepath_regex':
        try {
          new RE2(v, 'i')
          regexSources.push(v)
          regexIocs.push(ioc)
        } catch {
          // The loader reports it; a bad pattern must not stop the others.
        }
        break
      case 'path_pattern': {
        const p = compilePathPattern(v, knownGood)
        if (p) patterns.push({ p, ioc })
        break
      }
      default:
        break
    }
  }
  const regexSet = regexSources.length > 0 ? new RE2.Set(regexSources, 'i') : null
  // One RE2 call per file for every folder pattern instead of one per pattern (each call converts the
  // path to UTF-8 again); the hits are the same, in pattern order.
  const patternSet =
    patterns.length > 0
      ? new RE2.Set(
          patterns.map(({ p }) => p.source),
          'i',
        )
      : null

  return {
    match(file, hit) {
      const win = windowsPathOf(file)
      const lower = win.toLowerCase()
      const base = baseName(lower)
      for (const [h, kind] of [
        [file.sha256, 'sha256'],
        [file.sha1, 'sha1'],
        [file.md5, 'md5'],
      ] as const) {
        if (!h) continue
        for (const ioc of hashes.get(h.toLowerCase()) ?? []) {
          if (ioc.type === kind)
            hit(ioc, { where: kind, matched: h.toLowerCase(), outcome: 'success' })
        }
      }
      const norm = lower.replaceAll('/', '\\')
      for (const { key, ioc } of byBase.get(base) ?? []) {
        if (norm.endsWith(key)) hit(ioc, { where: 'file path', matched: win, outcome: 'unknown' })
      }
      for (const ioc of names.get(base) ?? []) {
        hit(ioc, { where: 'file name', matched: win, outcome: 'unknown' })
      }
      if (regexSet) {
        for (const i of regexSet.match(win)) {
          const ioc = regexIocs[i]
          if (ioc) hit(ioc, { where: 'file path', matched: win, outcome: 'unknown' })
        }
      }
      if (patternSet) {
        for (const i of patternSet.match(win).sort((a, b) => a - b)) {
          const { p, ioc } = patterns[i] as (typeof patterns)[number]
          if (!p.exclude.has(base)) {
            hit(ioc, { where: 'file path', matched: win, outcome: 'unknown' })
          }
        }
      }
    },
  }
}
