import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { CoverageEntry } from '../shared/types.ts'
import { coverageWarnings, DEFAULT_WINDOWS, type ExposureWindow } from './coverage.ts'

const PL: ExposureWindow[] = [
  { name: 'ProxyLogon', cves: ['CVE-2021-26855'], from: '2021-01-03', to: '2021-03-03' },
]
const e = (
  logType: CoverageEntry['logType'],
  oldest?: string,
  newest?: string,
  files = 3,
): CoverageEntry => ({
  logType,
  files,
  bytes: 1000,
  lines: files ? 100 : 0,
  oldest,
  newest,
})

describe('coverageWarnings', () => {
  test('logs that start after the window start are named, with the window', () => {
    const w = coverageWarnings(
      [
        e('httpproxy', '2021-04-02T00:00:00Z', '2021-05-01T00:00:00Z'),
        e('iis', '2020-12-01T00:00:00Z', '2021-05-01T00:00:00Z'),
      ],
      PL,
    )
    assert.deepEqual(w, [
      'HttpProxy logs start 2021-04-02, after the start of the ProxyLogon (2021-01-03..2021-03-03) window.',
    ])
  })

  test('several missed windows in one sentence', () => {
    const w = coverageWarnings(
      [e('iis', '2023-01-01T00:00:00Z', '2023-02-01T00:00:00Z')],
      DEFAULT_WINDOWS,
    )
    assert.equal(w.length, 1)
    assert.match(
      w[0] as string,
      /^IIS logs start 2023-01-01, after the start of the ProxyLogon .* and ProxyNotShell .* windows\.$/,
    )
  })

  test('no HttpProxy or IIS logs at all is a warning', () => {
    const w = coverageWarnings(
      [e('ecp-server', '2020-01-01T00:00:00Z', '2021-05-01T00:00:00Z')],
      PL,
    )
    assert.equal(w.length, 1)
    assert.match(w[0] as string, /^No HttpProxy or IIS logs were found/)
    assert.match(coverageWarnings([], PL)[0] as string, /^No HttpProxy or IIS logs/)
    assert.match(
      coverageWarnings([e('iis', undefined, undefined, 0)], PL)[0] as string,
      /^No HttpProxy or IIS logs/,
    )
  })

  test('a continuous log that ends long before the others: logging stopped?', () => {
    const w = coverageWarnings(
      [
        e('httpproxy', '2020-01-01T00:00:00Z', '2021-03-06T00:00:00Z'),
        e('iis', '2020-01-01T00:00:00Z', '2021-02-01T00:00:00Z'),
      ],
      PL,
    )
    assert.deepEqual(w, [
      'IIS logs end 2021-02-01, 33 days before other logs: logging stopped, was rotated away or deleted?',
    ])
  })

  test('sparse logs ending early and web files are not warned about', () => {
    const w = coverageWarnings(
      [
        e('httpproxy', '2020-01-01T00:00:00Z', '2021-03-06T00:00:00Z'),
        e('oab-generator', '2020-01-01T00:00:00Z', '2020-06-01T00:00:00Z'),
        e('webfiles', '2024-01-01T00:00:00Z'),
      ],
      PL,
    )
    assert.deepEqual(w, [])
  })
})
