// Plain-text layout helpers: terminal-safe strings, wrapping, shortening, aligned columns.
import { num } from '../../analysis/numbers.ts'

/** C0/C1 controls (ESC included) from evidence would drive the reader's terminal: show them as \xNN. */
export function clean(s: string): string {
  return s.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  )
}

/** One line: newlines and tabs become spaces, then cut to `max` characters with an ellipsis. */
export function shorten(s: string, max: number): string {
  const one = clean(s.replace(/[\r\n\t]+/g, ' '))
  if (max < 2) return one.slice(0, Math.max(0, max))
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`
}

/** Word-wrap to `width`, first line after `first`, following lines after `rest`. Long words are cut. */
export function wrap(text: string, width: number, first = '', rest = first): string[] {
  const out: string[] = []
  let prefix = first
  let line = ''
  const flush = () => {
    out.push(prefix + line)
    prefix = rest
    line = ''
  }
  for (let w of clean(text).split(/\s+/).filter(Boolean)) {
    while (w) {
      const avail = width - prefix.length - (line ? line.length + 1 : 0)
      if (w.length <= avail) {
        line = line ? `${line} ${w}` : w
        break
      }
      if (line) {
        flush()
        continue
      }
      const full = Math.max(1, width - prefix.length)
      line = w.slice(0, full)
      w = w.slice(full)
      flush()
    }
  }
  if (line || out.length === 0) out.push(prefix + line)
  return out
}

/** Pads a cell that may carry colour codes to `n` visible characters. */
export function pad(s: string, n: number, visible = s.length): string {
  return visible >= n ? s : s + ' '.repeat(n - visible)
}

/** Time without milliseconds, space-separated: "2021-03-03 06:12:01Z". */
export function ts(iso: string | undefined): string {
  if (!iso) return '-'
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`
}

export interface Column {
  title: string
  align?: 'left' | 'right'
  /** Cut cells to this many characters (the last column gets the rest of the width). */
  max?: number
}

/** Aligned columns; cells are plain strings (colour is applied by `paint` after padding). */
export function table(
  cols: readonly Column[],
  rows: readonly string[][],
  width: number,
  indent = '  ',
  paint?: (row: number, col: number, cell: string) => string,
): string[] {
  const widths = cols.map((c, i) =>
    Math.min(c.max ?? 1e9, Math.max(c.title.length, ...rows.map((r) => clean(r[i] ?? '').length))),
  )
  const used = indent.length + widths.slice(0, -1).reduce((a, b) => a + b + 2, 0)
  // Too narrow for columns: one block per row, "title: value" lines under the first cell.
  if (used + 8 > width) return stacked(cols, rows, width, indent, paint)
  const last = widths.length - 1
  widths[last] = Math.max(8, Math.min(widths[last] ?? 8, width - used))
  const line = (cells: readonly string[], r: number) =>
    cells
      .map((cell, i) => {
        const w = widths[i] ?? 8
        const s = shorten(cell, w)
        const padded = cols[i]?.align === 'right' ? s.padStart(w) : s.padEnd(w)
        return r >= 0 && paint ? paint(r, i, padded) : padded
      })
      .join('  ')
      .trimEnd()
  return [
    indent +
      line(
        cols.map((c) => c.title),
        -1,
      ),
    ...rows.map((r, i) => indent + line(r, i)),
  ]
}

function stacked(
  cols: readonly Column[],
  rows: readonly string[][],
  width: number,
  indent: string,
  paint?: (row: number, col: number, cell: string) => string,
): string[] {
  const out: string[] = []
  rows.forEach((row, r) => {
    row.forEach((cell, i) => {
      const label = i === 0 ? '' : `  ${cols[i]?.title ?? ''}: `
      const s = shorten(cell, width - indent.length - label.length)
      out.push(indent + label + (paint ? paint(r, i, s) : s))
    })
  })
  return out
}
