// docs/errors.md cannot drift from the code: every EXH_ERR_* code src/ can produce has a row there, and
// every row names a code src/ still produces. Template-built codes (`EXH_ERR_FS_${errno}`) are families:
// the literal prefix `EXH_ERR_FS_` in src/ must match a row `EXH_ERR_FS_<ERRNO>` in the doc.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, test } from 'node:test'
import { REPO_ROOT } from '../helpers/corpus.ts'

const SRC = join(REPO_ROOT, 'src')
const DOC = join(REPO_ROOT, 'docs', 'errors.md')

/** Production sources only: tests and test helpers may use made-up codes. */
function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p))
    else if (name.endsWith('.ts') && !/\.test(-helper)?\.ts$/.test(name)) out.push(p)
  }
  return out
}

/**
 * Codes as string or template literals open them: `'EXH_ERR_X'`, `"EXH_ERR_X"`, `` `EXH_ERR_FS_${…}` ``.
 * Mentions in comments are not codes (they carry no quote before them). A family prefix ends in `_`.
 */
export function codesInSource(text: string): Set<string> {
  const out = new Set<string>()
  for (const m of text.matchAll(/['"`](EXH_ERR_[A-Z0-9_]+)/g)) out.add(m[1] as string)
  return out
}

/** A code built from a bare prefix (`'EXH_ERR_' + x`) cannot be documented: flag it. */
export function barePrefixes(text: string): number {
  return [...text.matchAll(/['"`]EXH_ERR_(?=['"`$])/g)].length
}

/** Codes with their own table row: `` | `EXH_ERR_X` | … `` (a family row: `` `EXH_ERR_FS_<ERRNO>` ``). */
export function documentedCodes(markdown: string): Map<string, string[]> {
  const rows = new Map<string, string[]>()
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`(EXH_ERR_[A-Z0-9_]+)(?:<[A-Z]+>)?`\s*\|/.exec(line)
    if (!m) continue
    const cells = line
      .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
      .split('|')
      .map((c) => c.trim())
    rows.set(m[1] as string, cells)
  }
  return rows
}

const isFamily = (code: string) => code.endsWith('_')
function covered(code: string, set: Iterable<string>): boolean {
  for (const c of set) if (c === code || (isFamily(c) && code.startsWith(c))) return true
  return false
}

export function compareCodes(produced: ReadonlySet<string>, documented: ReadonlySet<string>) {
  return {
    missing: [...produced].filter((c) => !covered(c, documented)).sort(),
    stale: [...documented].filter((c) => !covered(c, produced)).sort(),
  }
}

function producedBySrc(): { codes: Map<string, string[]>; bare: string[] } {
  const codes = new Map<string, string[]>()
  const bare: string[] = []
  for (const f of sourceFiles(SRC)) {
    const text = readFileSync(f, 'utf8')
    const rel = relative(REPO_ROOT, f)
    if (barePrefixes(text) > 0) bare.push(rel)
    for (const c of codesInSource(text)) codes.set(c, [...(codes.get(c) ?? []), rel])
  }
  return { codes, bare }
}

describe('docs/errors.md', () => {
  const src = producedBySrc()
  const rows = documentedCodes(readFileSync(DOC, 'utf8'))

  test('the scan sees the codes src/ is known to produce', () => {
    // Guards the scanner itself: a regex that matches nothing would make the checks below vacuous.
    for (const c of ['EXH_ERR_ZIP_BOMB', 'EXH_ERR_LOG_BINARY', 'EXH_ERR_FS_', 'EXH_ERR_READ']) {
      assert.ok(src.codes.has(c), `scanner did not find ${c} in src/`)
    }
    assert.ok(rows.size >= 20, `only ${rows.size} rows parsed from docs/errors.md`)
  })

  test('every code src/ can produce is documented', () => {
    const { missing } = compareCodes(new Set(src.codes.keys()), new Set(rows.keys()))
    const detail = missing.map((c) => `${c} (in ${src.codes.get(c)?.join(', ')})`)
    assert.deepEqual(detail, [], `add a row to docs/errors.md for: ${detail.join('; ')}`)
  })

  test('every documented code is still produced by src/', () => {
    const { stale } = compareCodes(new Set(src.codes.keys()), new Set(rows.keys()))
    assert.deepEqual(
      stale,
      [],
      `docs/errors.md documents codes nothing produces: ${stale.join(', ')}`,
    )
  })

  test('codes are never built from a bare EXH_ERR_ prefix', () => {
    assert.deepEqual(src.bare, [], 'build codes from a documented family such as EXH_ERR_FS_')
  })

  test('every row says what it means, who produces it, its effect and what to do', () => {
    for (const [code, cells] of rows) {
      assert.equal(cells.length, 5, `${code}: expected 5 cells, got ${cells.length}`)
      for (const [i, cell] of cells.entries())
        assert.ok(cell.length > 0, `${code}: cell ${i} empty`)
      assert.match(cells[2] as string, /`src\/[^`]+\.ts`/, `${code}: name the producing file`)
      assert.match(
        cells[3] as string,
        /^(item|run)\b/,
        `${code}: effect must start with item or run`,
      )
    }
  })
})

describe('the drift checks themselves', () => {
  test('string and template literals count, comments do not', () => {
    const text = [
      "const a = { code: 'EXH_ERR_ONE' }",
      'throw new ExhuntError("EXH_ERR_TWO", m)',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text under test
      'const c = `EXH_ERR_FS_${e.code}`',
      '// a mention of EXH_ERR_COMMENT is no code',
      '/** EXH_ERR_* code */',
    ].join('\n')
    assert.deepEqual([...codesInSource(text)].sort(), ['EXH_ERR_FS_', 'EXH_ERR_ONE', 'EXH_ERR_TWO'])
    assert.equal(barePrefixes("const k = 'EXH_ERR_' + x"), 1)
    assert.equal(barePrefixes(text), 0)
  })

  test('an undocumented code is missing and a dropped one is stale', () => {
    const doc = [
      '| code | meaning | by | effect | do |',
      '| `EXH_ERR_KEPT` | a | `src/a.ts` | item | x |',
      '| `EXH_ERR_GONE` | a | `src/b.ts` | item | x |',
      '| `EXH_ERR_FS_<ERRNO>` | a | `src/c.ts` | item | x |',
    ].join('\n')
    const rows = documentedCodes(doc)
    assert.deepEqual([...rows.keys()], ['EXH_ERR_KEPT', 'EXH_ERR_GONE', 'EXH_ERR_FS_'])
    const produced = new Set(['EXH_ERR_KEPT', 'EXH_ERR_NEW', 'EXH_ERR_FS_', 'EXH_ERR_FS_READ'])
    assert.deepEqual(compareCodes(produced, new Set(rows.keys())), {
      missing: ['EXH_ERR_NEW'],
      stale: ['EXH_ERR_GONE'],
    })
  })
})
