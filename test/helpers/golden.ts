// Golden files: a fresh run's output, masked where it varies between runs and machines, compared
// with a stored copy. UPDATE_GOLDEN=1 rewrites the stored copy instead of failing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export const UPDATE_HINT = 'UPDATE_GOLDEN=1 npm run test:only -- test/e2e/golden.test.ts'

/** True when the caller asked for the stored files to be rewritten. */
export function updating(): boolean {
  return process.env.UPDATE_GOLDEN === '1'
}

// What varies from run to run: when the hunt ran, how long it took and on how many workers; the
// change and birth times of the copied evidence (a copy cannot set them); and the content hash,
// which any edit under content/ changes even when this output does not. Masked JSON stays JSON.
const MASKS: [RegExp, string][] = [
  [/("(?:startedAt|finishedAt)": )"[^"]*"/g, '$1"<run-time>"'],
  [/("durationMs": )\d+/g, '$1"<ms>"'],
  [/("workers": )\d+/g, '$1"<n>"'],
  [/("(?:ctime|btime)": )"[^"]*"/g, '$1"<file-time>"'],
  [/(\d+\.\d+)\+[0-9a-f]{12}\b/g, '$1+<content-hash>'],
  [/· [\d.,]+ (?:ms|s|min) on \d+ workers? ·/g, '· <duration> on <n> workers ·'],
]

// The order of a finding's `related` ids follows which log worker finished first, so it varies
// between runs with more than one worker (a determinism bug, reported); the set does not.
const RELATED = /("related": \[\n)((?:\s+"[0-9a-f]+",?\n)+)(\s+\])/g

function sortRelated(_m: string, open: string, body: string, close: string): string {
  const ids = body
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/,$/, ''))
  const indent = ids[0]?.match(/^\s*/)?.[0] ?? ''
  const sorted = ids.map((l) => l.trim()).sort()
  return `${open}${sorted.map((id) => indent + id).join(',\n')}\n${close}`
}

export function mask(text: string): string {
  let out = text.replace(RELATED, sortRelated)
  for (const [re, to] of MASKS) out = out.replace(re, to)
  return out
}

/** The first differing lines with a little context, numbered as in the golden file. */
export function shortDiff(expected: string, actual: string, context = 3, maxShown = 12): string {
  const e = expected.split('\n')
  const a = actual.split('\n')
  const first = e.findIndex((line, i) => line !== a[i])
  const at = first === -1 ? Math.min(e.length, a.length) : first
  let differing = 0
  for (let i = 0; i < Math.max(e.length, a.length); i++) if (e[i] !== a[i]) differing++
  const out = [
    `${differing} line(s) differ (golden ${e.length} lines, fresh ${a.length}); first at line ${at + 1}:`,
  ]
  for (
    let i = Math.max(0, at - context);
    i < Math.min(Math.max(e.length, a.length), at + maxShown);
    i++
  ) {
    if (e[i] === a[i]) out.push(`  ${i + 1}  ${e[i]}`)
    else {
      if (e[i] !== undefined) out.push(`- ${i + 1}  ${e[i]}`)
      if (a[i] !== undefined) out.push(`+ ${i + 1}  ${a[i]}`)
    }
  }
  return out.join('\n')
}

/** Compares `actual` (already masked) with the golden file; rewrites it under UPDATE_GOLDEN=1. */
export function checkGolden(
  file: string,
  actual: string,
): { ok: true } | { ok: false; message: string } {
  if (updating()) {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, actual)
    return { ok: true }
  }
  if (!existsSync(file))
    return { ok: false, message: `${file} is missing; create it with:\n  ${UPDATE_HINT}` }
  const expected = readFileSync(file, 'utf8')
  if (expected === actual) return { ok: true }
  return {
    ok: false,
    message: `${file} differs from a fresh run.\n${shortDiff(expected, actual)}\nIf the change is intended, update the golden files with:\n  ${UPDATE_HINT}\nand review the diff before committing.`,
  }
}
