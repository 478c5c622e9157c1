// JSON and NDJSON of a probe, written as results arrive so memory stays flat for a /8.
// JSON: one `exhunt.probe/1` report; the envelope's known-at-start keys first, then `results`, then
// what is known only at the end (verdict, summary). NDJSON: one ProbeTargetResult per line, then one
// summary line (the report without `results`), as the hunt's NDJSON ends with its summary.
import type { ProbeTargetResult } from '../../shared/probe.ts'
import type { ProbeReport } from '../../shared/types.ts'

const indent = (json: string, by: string) => json.replace(/\n/g, `\n${by}`)

/** Keys written before `results`, in order. */
const HEAD = ['schema', 'kind', 'tool', 'target', 'input', 'startedAt'] as const
/** Keys written after `results`, in order. */
const TAIL = [
  'targetErrors',
  'finishedAt',
  'complete',
  'incomplete',
  'verdict',
  'verdictReasons',
  'advice',
  'summary',
] as const

export interface StreamWriter {
  result(r: ProbeTargetResult): void
  /** The report; its `results` are ignored (they were written one by one). */
  end(report: ProbeReport): void
}

export function jsonStream(
  head: Pick<ProbeReport, (typeof HEAD)[number]>,
  write: (s: string) => void,
): StreamWriter {
  let out = '{\n'
  for (const k of HEAD)
    out += `  ${JSON.stringify(k)}: ${indent(JSON.stringify(head[k], null, 2), '  ')},\n`
  write(`${out}  "results": [`)
  let n = 0
  return {
    result(r) {
      write(`${n++ === 0 ? '\n' : ',\n'}    ${indent(JSON.stringify(r, null, 2), '    ')}`)
    },
    end(report) {
      let tail = n === 0 ? '],\n' : '\n  ],\n'
      const keys = TAIL.filter((k) => report[k] !== undefined)
      keys.forEach((k, i) => {
        tail += `  ${JSON.stringify(k)}: ${indent(JSON.stringify(report[k], null, 2), '  ')}${i < keys.length - 1 ? ',' : ''}\n`
      })
      write(`${tail}}\n`)
    },
  }
}

export function ndjsonStream(write: (s: string) => void): StreamWriter {
  return {
    result(r) {
      write(`${JSON.stringify(r)}\n`)
    },
    end(report) {
      const { results: _results, ...rest } = report
      write(`${JSON.stringify(rest)}\n`)
    },
  }
}
