#!/usr/bin/env node
// Launcher only: run the bundle (built at install by `npm run build`) when it is newer than every
// source file, else the TypeScript sources through tsx, so an edit never runs a stale bundle.
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bundle = join(root, 'dist', 'main.mjs')

function newestSource(dir) {
  let newest = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p))
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs)
  }
  return newest
}

function bundleIsFresh() {
  if (process.env.EXHUNT_FROM_SOURCE) return false
  try {
    return statSync(bundle).mtimeMs >= newestSource(join(root, 'src'))
  } catch {
    return false
  }
}

if (bundleIsFresh()) {
  await import(pathToFileURL(bundle).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href)
}
