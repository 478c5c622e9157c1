// Paths the user typed are checked before any work: a typo in --ioc must not cost an hour's hunt and
// then fail, or worse, hunt without the feed. Each problem is one line naming the flag and the path.
import { type Stats, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export interface PathFlags {
  output?: string
  ioc: readonly string[]
  baseline: readonly string[]
  content?: string
  cache?: string
}

function statOf(path: string): Stats | NodeJS.ErrnoException {
  try {
    return statSync(path)
  } catch (err) {
    return err as NodeJS.ErrnoException
  }
}

function why(e: NodeJS.ErrnoException): string {
  return e.code === 'ENOENT' ? 'does not exist' : `cannot be read (${e.code ?? e.message})`
}

/** The first problem with the evidence path or a path flag, or undefined when all can be used. */
export function checkPaths(input: string, f: PathFlags): string | undefined {
  const ev = statOf(input)
  // Same code as the hunt gives when it cannot open the input (docs/errors.md, run effect).
  if (ev instanceof Error) return `EXH_ERR_FS_${ev.code ?? 'READ'}: evidence ${input} ${why(ev)}`
  for (const file of f.ioc) {
    const s = statOf(file)
    if (s instanceof Error) return `--ioc ${file} ${why(s)}`
    if (!s.isFile()) return `--ioc ${file} is not a file`
  }
  for (const path of f.baseline) {
    const s = statOf(path)
    if (s instanceof Error) return `--baseline ${path} ${why(s)}`
    if (!s.isFile() && !s.isDirectory()) return `--baseline ${path} is neither a file nor a folder`
  }
  if (f.content !== undefined) {
    const s = statOf(f.content)
    if (s instanceof Error) return `--content ${f.content} ${why(s)}`
    if (!s.isDirectory()) return `--content ${f.content} is not a folder`
  }
  if (f.cache !== undefined) {
    const s = statOf(f.cache)
    if (!(s instanceof Error) && !s.isDirectory()) return `--cache ${f.cache} is not a folder`
    // The evidence is read-only: a cache inside it would change what the next hunt reads.
    const ev = resolve(input)
    const c = resolve(f.cache)
    if (c === ev || c.startsWith(`${ev}/`))
      return `--cache ${f.cache} is inside the evidence ${input}`
  }
  return f.output === undefined ? undefined : checkOutput(f.output)
}

/** `-o FILE`: not a folder, and in a folder that exists. */
export function checkOutput(output: string): string | undefined {
  const s = statOf(output)
  if (!(s instanceof Error) && s.isDirectory()) return `-o ${output} is a folder; give a file name`
  const dir = dirname(resolve(output))
  const d = statOf(dir)
  if (d instanceof Error) return `-o ${output}: folder ${dir} ${why(d)}`
  if (!d.isDirectory()) return `-o ${output}: ${dir} is not a folder`
  return undefined
}
