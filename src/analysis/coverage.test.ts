import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { REPO_ROOT } from '../../test/helpers/corpus.ts'
import { loadContent } from '../content/load.ts'
import { decide } from '../hunt/decide.ts'
import type { CoverageEntry } from '../shared/types.ts'
import { coverageWarnings, type ExposureWindow } from './coverage.ts'

const PL_CVES = ['CVE-2021-26855', 'CVE-2021-26857', 'CVE-2021-26858', 'CVE-2021-27065']
const PL: ExposureWindow[] = [
  { name: 'ProxyLogon (HAFNIUM)', cves: PL_CVES, from: '2021-01-03', patched: '2021-03-02' },
]
const PNS: ExposureWindow = {
  name: 'ProxyNotShell',
  cves: ['CVE-2022-41040', 'CVE-2022-41082'],
  from: '2022-08-01',
  patched: '2022-11-08',
}
// ProxyShell was fixed (May 2021) before it was first exploited (August 2021).
const PS: ExposureWindow = {
  name: 'ProxyShell',
  cves: ['CVE-2021-34473', 'CVE-2021-34523', 'CVE-2021-31207'],
  from: '2021-08-01',
  patched: '2021-05-11',
}
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

describe('coverageWarnings: exploitation windows', () => {
  test('one warning per window naming every log type that starts late and the days missed', () => {
    const w = coverageWarnings(
      [
        e('httpproxy', '2021-03-02T00:18:00Z', '2021-03-04T00:00:00Z'),
        e('iis', '2021-03-02T00:00:00Z', '2021-03-04T00:00:00Z'),
        e('ecp-server', '2021-03-03T06:02:11Z', '2021-03-03T07:00:00Z'),
      ],
      PL,
      { missingCves: PL_CVES },
    )
    assert.deepEqual(w, [
      'ProxyLogon (HAFNIUM) was exploited from 2021-01-03 and this build still lacks its fixes: HttpProxy and IIS logs start 2021-03-02, ECP server logs 2021-03-03, so 2021-01-03..2021-03-01 is not in them.',
    ])
  })

  test('the range runs forwards even when the fix came before the first exploitation', () => {
    const w = coverageWarnings([e('iis', '2021-09-15T00:00:00Z', '2021-10-01T00:00:00Z')], [PS])
    assert.deepEqual(w, [
      'ProxyShell was exploited from 2021-08-01 (fixed 2021-05-11): IIS logs start 2021-09-15, so 2021-08-01..2021-09-14 is not in them.',
    ])
    for (const m of w.join(' ').matchAll(/(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})/g))
      assert.ok((m[1] as string) <= (m[2] as string), m[0])
  })

  test('a 2026 server with patched build and 30 days of logs gets no warning for 2021-2022 windows', () => {
    const modern = [
      e('httpproxy', '2026-10-25T00:00:00Z', '2026-11-24T00:00:00Z'),
      e('iis', '2026-10-25T00:00:00Z', '2026-11-24T00:00:00Z'),
      e('ecp-server', '2026-11-01T00:00:00Z', '2026-11-24T00:00:00Z'),
      e('rps-http', '2026-11-02T00:00:00Z', '2026-11-24T00:00:00Z'),
    ]
    assert.deepEqual(coverageWarnings(modern, [...PL, PS, PNS], { missingCves: [] }), [])
    assert.deepEqual(coverageWarnings(modern, [...PL, PS, PNS]), [])
    // ...but a build that still lacks the ProxyNotShell fixes keeps that window open: one warning.
    const w = coverageWarnings(modern, [...PL, PS, PNS], { missingCves: ['CVE-2022-41082'] })
    assert.equal(w.length, 1)
    assert.match(
      w[0] as string,
      /^ProxyNotShell was exploited from 2022-08-01 and this build still lacks its fixes: HttpProxy and IIS logs start 2026-10-25, ECP server logs 2026-11-01, Remote PowerShell HTTP logs 2026-11-02, so 2022-08-01\.\.2026-10-24 is not in them\.$/,
    )
  })

  test('a recent window stays worth a warning when the build is patched or unknown', () => {
    const w = coverageWarnings(
      [e('iis', '2022-11-20T00:00:00Z', '2022-12-15T00:00:00Z')],
      [...PL, PNS],
    )
    assert.deepEqual(w, [
      'ProxyNotShell was exploited from 2022-08-01 (fixed 2022-11-08): IIS logs start 2022-11-20, so 2022-08-01..2022-11-19 is not in them.',
    ])
  })

  test('logs that reach back before the window start: no warning', () => {
    const w = coverageWarnings([e('iis', '2020-12-01T00:00:00Z', '2021-05-01T00:00:00Z')], PL, {
      missingCves: PL_CVES,
    })
    assert.deepEqual(w, [])
  })

  test('windows come from content/cves only (no built-in list)', () => {
    const entries = [e('iis', '2021-03-02T00:00:00Z', '2021-03-04T00:00:00Z')]
    assert.deepEqual(coverageWarnings(entries), [])
    const { content } = loadContent(join(REPO_ROOT, 'content'), { yara: false })
    const d = decide({
      builds: content.builds,
      cves: content.cves,
      findings: [],
      summaries: [
        {
          logType: 'iis',
          bytes: 10,
          lines: 10,
          oldest: '2021-03-02T00:00:00Z',
          newest: '2021-03-04T00:00:00Z',
        } as never,
      ],
      build: { build: '15.1.2176.2', source: 'x' },
    })
    assert.deepEqual(d.coverage.warnings, [
      'ProxyLogon (HAFNIUM) was exploited from 2021-01-03 and this build still lacks its fixes: IIS logs start 2021-03-02, so 2021-01-03..2021-03-01 is not in them.',
    ])
  })
})

describe('coverageWarnings: other gaps', () => {
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
