import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { finding, PROXYLOGON_EXPOSURE, proxyLogonFindings } from '../report/fixtures.test-helper.ts'
import type { Exposure } from '../shared/types.ts'
import { decideVerdict } from './verdict.ts'

const patched: Exposure = {
  build: '15.1.2507.6',
  buildSource: 'ExSetup.exe version resource',
  missing: [],
  caveats: [],
}

describe('decideVerdict', () => {
  const cases = [
    {
      name: 'successful high SSRF is compromised',
      findings: [
        finding({ rule: 'ssrf', severity: 'high', outcome: 'success', category: 'exploitation' }),
      ],
      exposure: patched,
      want: 'compromised',
    },
    {
      name: 'a known-bad file hash is compromised whatever its outcome',
      findings: [
        finding({ rule: 'ioc:sha256', severity: 'high', outcome: 'unknown', category: 'ioc' }),
      ],
      exposure: null,
      want: 'compromised',
    },
    {
      name: 'SSRF that reached only autodiscover (attempt, low) is attempted, never compromised',
      findings: [
        finding({ rule: 'ssrf', severity: 'low', outcome: 'attempt', category: 'exploitation' }),
      ],
      exposure: PROXYLOGON_EXPOSURE,
      want: 'attempted',
    },
    {
      name: 'critical SSRF attempt is attempted',
      findings: [
        finding({
          rule: 'ssrf',
          severity: 'critical',
          outcome: 'attempt',
          category: 'exploitation',
        }),
      ],
      exposure: null,
      want: 'attempted',
    },
    {
      name: 'successful medium finding is attempted (below high)',
      findings: [
        finding({ rule: 'm', severity: 'medium', outcome: 'success', category: 'exploitation' }),
      ],
      exposure: null,
      want: 'attempted',
    },
    {
      name: 'high success in a context category is attempted',
      findings: [finding({ rule: 'c', severity: 'high', outcome: 'success', category: 'context' })],
      exposure: null,
      want: 'attempted',
    },
    {
      name: 'exposure-context findings alone never make it attempted',
      findings: [
        finding({ rule: 'x', severity: 'high', outcome: 'unknown', category: 'exposure-context' }),
      ],
      exposure: PROXYLOGON_EXPOSURE,
      want: 'exposed',
    },
    {
      name: 'missing fixes only is exposed',
      findings: [],
      exposure: PROXYLOGON_EXPOSURE,
      want: 'exposed',
    },
    {
      name: 'low reconnaissance on a patched build is clean',
      findings: [
        finding({ rule: 'r', severity: 'low', outcome: 'unknown', category: 'reconnaissance' }),
      ],
      exposure: patched,
      want: 'clean',
    },
    { name: 'nothing and no build is clean', findings: [], exposure: null, want: 'clean' },
  ] as const
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(decideVerdict(c.findings, c.exposure).verdict, c.want)
    })
  }

  test('reasons group by rule, count events and IPs, name the first time', () => {
    const { verdict, reasons } = decideVerdict(proxyLogonFindings(), PROXYLOGON_EXPOSURE)
    assert.equal(verdict, 'compromised')
    assert.ok(reasons.length <= 8)
    const ssrf = reasons.find((r) => r.startsWith('CVE-2021-26855 SSRF'))
    assert.equal(
      ssrf,
      'CVE-2021-26855 SSRF via X-BEResource cookie: 3 successful events from 2 IPs (first 2021-03-03T06:12:03Z)',
    )
    assert.ok(reasons.some((r) => r.includes('file hash matches a known-bad indicator')))
  })

  test('exposure reason names the newest missing update', () => {
    const { reasons } = decideVerdict([], PROXYLOGON_EXPOSURE)
    assert.match(
      reasons[0] as string,
      /^Build 15\.1\.2176\.2 lacks fixes for CVE-2021-26855, CVE-2021-26857,/,
    )
    assert.match(reasons[0] as string, /install Jul21SU or later/)
  })

  test('exposure reason sorts updates by date, not by text', () => {
    const e: Exposure = {
      ...patched,
      missing: [
        { cve: 'CVE-2022-41040', fixedIn: 'Nov22SU' },
        { cve: 'CVE-2023-21529', fixedIn: 'Feb23SU' },
        { cve: 'CVE-2021-26855', fixedIn: 'Mar21SU' },
      ],
    }
    assert.match(decideVerdict([], e).reasons[0] as string, /install Feb23SU or later/)
  })

  test('without a picked update, CU-prefixed names still sort by their month (Aug26SU after Oct25SU)', () => {
    const e: Exposure = {
      ...patched,
      missing: [
        { cve: 'CVE-2025-64666', fixedIn: 'CU23 Dec25SU' },
        { cve: 'CVE-2026-21527', fixedIn: 'CU23 Feb26SU' },
        { cve: 'CVE-2026-62910', fixedIn: 'CU23 Aug26SU' },
        { cve: 'CVE-2025-59249', fixedIn: 'CU23 Oct25SU' },
      ],
    }
    assert.match(decideVerdict([], e).reasons[0] as string, /install CU23 Aug26SU or later/)
  })

  test("the exposure check's picked update wins, named with its product when it is another one", () => {
    const e: Exposure = {
      ...patched,
      product: 'Exchange Server 2019',
      missing: [{ cve: 'CVE-2026-62910', fixedIn: 'CU14 Aug26SU' }],
      update: {
        name: 'RTM Aug26SU',
        product: 'Exchange Server SE',
        build: '15.2.2562.46',
        releaseDate: '2026-08-11',
      },
    }
    assert.match(
      decideVerdict([], e).reasons[0] as string,
      /install Exchange Server SE RTM Aug26SU or later/,
    )
  })

  test('at most 8 reasons however many rules fire', () => {
    const many = Array.from({ length: 20 }, (_, i) =>
      finding({ rule: `r${i}`, severity: 'critical', outcome: 'success', category: 'webshell' }),
    )
    const { reasons } = decideVerdict(many, null)
    assert.equal(reasons.length, 8)
    assert.match(reasons[7] as string, /13 more rules/)
  })
})
