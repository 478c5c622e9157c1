import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { finding, PROXYLOGON_EXPOSURE, proxyLogonFindings } from '../report/fixtures.test-helper.ts'
import type { Exposure, Finding, Outcome, Proof, Verdict } from '../shared/types.ts'
import { correlate } from './correlate.ts'
import type { Examined } from './examined.ts'
import { decideVerdict, effectiveProof, type VerdictContext } from './verdict.ts'

const patched: Exposure = {
  build: '15.1.2507.6',
  buildSource: 'ExSetup.exe version resource',
  missing: [],
  caveats: [],
}

const examined: Examined = { found: 3, logFiles: 1, logLines: 200, webFiles: 2, artefacts: 0 }
const nothing: Examined = { found: 1, logFiles: 0, logLines: 0, webFiles: 0, artefacts: 0 }

describe('effectiveProof: the proves of the rule, capped at attempt by an attempt outcome', () => {
  const cases: [Proof, Outcome, Proof][] = [
    ['compromise', 'success', 'compromise'],
    ['compromise', 'unknown', 'compromise'],
    ['compromise', 'attempt', 'attempt'],
    ['attempt', 'success', 'attempt'],
    ['attempt', 'attempt', 'attempt'],
    ['suspicion', 'attempt', 'suspicion'],
    ['suspicion', 'success', 'suspicion'],
    ['context', 'success', 'context'],
    ['context', 'attempt', 'context'],
  ]
  for (const [proves, outcome, want] of cases) {
    test(`${proves} + ${outcome} → ${want}`, () => {
      assert.equal(effectiveProof({ proves, outcome }), want)
    })
  }
})

describe('decideVerdict', () => {
  const cases: {
    name: string
    findings: Finding[]
    exposure: Exposure | null
    ctx?: VerdictContext
    want: Verdict
  }[] = [
    {
      name: 'proves compromise with success is compromised',
      findings: [finding({ rule: 'ssrf', proves: 'compromise', outcome: 'success' })],
      exposure: patched,
      want: 'compromised',
    },
    {
      name: 'proves compromise with an unknown outcome (a shell on disk, a file hash) is compromised',
      findings: [
        finding({ rule: 'ioc:sha256', category: 'ioc', proves: 'compromise', outcome: 'unknown' }),
      ],
      exposure: null,
      want: 'compromised',
    },
    {
      name: 'proves compromise but outcome attempt (the server refused) is attempted, never compromised',
      findings: [
        finding({ rule: 'ssrf', severity: 'critical', proves: 'compromise', outcome: 'attempt' }),
      ],
      exposure: null,
      want: 'attempted',
    },
    {
      name: 'proves attempt is attempted whatever its outcome and severity',
      findings: [
        finding({ rule: 'probe', severity: 'low', proves: 'attempt', outcome: 'success' }),
      ],
      exposure: PROXYLOGON_EXPOSURE,
      want: 'attempted',
    },
    {
      name: 'proves suspicion is suspicious, even at severity high with outcome success',
      findings: [
        finding({
          rule: 'obfuscated',
          severity: 'high',
          category: 'webshell',
          proves: 'suspicion',
          outcome: 'success',
        }),
      ],
      exposure: null,
      want: 'suspicious',
    },
    {
      name: 'suspicion outweighs exposure',
      findings: [finding({ rule: 'odd-config', severity: 'medium', proves: 'suspicion' })],
      exposure: PROXYLOGON_EXPOSURE,
      want: 'suspicious',
    },
    {
      name: 'an attempt outweighs suspicion',
      findings: [
        finding({ rule: 'odd-config', proves: 'suspicion' }),
        finding({ rule: 'probe', severity: 'low', proves: 'attempt', outcome: 'attempt' }),
      ],
      exposure: null,
      want: 'attempted',
    },
    {
      name: 'context findings never move the verdict, even critical ones',
      findings: [
        finding({ rule: 'c', severity: 'critical', category: 'exploitation', proves: 'context' }),
      ],
      exposure: PROXYLOGON_EXPOSURE,
      want: 'exposed',
    },
    {
      name: 'severity and category alone decide nothing: a medium exploitation finding of context is clean',
      findings: [
        finding({ rule: 'm', severity: 'medium', category: 'exploitation', proves: 'context' }),
      ],
      exposure: patched,
      want: 'clean',
    },
    {
      name: 'missing fixes only is exposed',
      findings: [],
      exposure: PROXYLOGON_EXPOSURE,
      ctx: { examined },
      want: 'exposed',
    },
    {
      name: 'low reconnaissance (context) on a patched build is clean',
      findings: [
        finding({ rule: 'r', severity: 'low', category: 'reconnaissance', proves: 'context' }),
      ],
      exposure: patched,
      ctx: { examined },
      want: 'clean',
    },
    {
      name: 'nothing found after examining logs is clean',
      findings: [],
      exposure: null,
      ctx: { examined },
      want: 'clean',
    },
    {
      name: 'nothing examined is no-evidence',
      findings: [],
      exposure: null,
      ctx: { examined: nothing },
      want: 'no-evidence',
    },
    {
      name: 'nothing examined but a vulnerable build is exposed (exposure weighs more)',
      findings: [],
      exposure: PROXYLOGON_EXPOSURE,
      ctx: { examined: nothing },
      want: 'exposed',
    },
    {
      name: 'without an examined summary (library callers) an empty result stays clean',
      findings: [],
      exposure: null,
      want: 'clean',
    },
  ]
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(decideVerdict(c.findings, c.exposure, c.ctx).verdict, c.want)
    })
  }

  test('correlation upgrades still count: an attempt followed by a shell request becomes compromise', () => {
    const probe = finding({
      rule: 'static-post',
      proves: 'compromise',
      outcome: 'attempt',
      time: '2021-03-03T06:00:00Z',
      indicators: { ips: ['203.0.113.5'], users: [], paths: [], userAgents: [] },
    })
    const vdir = finding({
      rule: 'set-vdir',
      title: 'Set-OabVirtualDirectory with a script',
      proves: 'suspicion',
      outcome: 'success',
      time: '2021-03-03T06:05:00Z',
      indicators: { ips: ['203.0.113.5'], users: [], paths: [], userAgents: [] },
    })
    assert.equal(decideVerdict([probe, vdir], null).verdict, 'attempted')
    const linked = correlate([probe, vdir])
    assert.equal(linked[0]?.outcome, 'success')
    assert.equal(decideVerdict(linked, null).verdict, 'compromised')
  })

  test('suspicious reasons name the files to review and say nothing is proven', () => {
    const f = finding({
      rule: 'exh-web-obfuscated-script',
      title: 'Review web file: Server page with obfuscated code',
      proves: 'suspicion',
      source: { path: 'C/inetpub/wwwroot/aspnet_client/x.aspx' },
    })
    const { verdict, reasons } = decideVerdict([f], null)
    assert.equal(verdict, 'suspicious')
    assert.equal(
      reasons[0],
      'Review C/inetpub/wwwroot/aspnet_client/x.aspx: Server page with obfuscated code',
    )
    assert.match(reasons.at(-1) as string, /None of these proves exploitation/)
  })

  test('no-evidence reasons say what was found, what was not read, and what to collect', () => {
    const unread = [
      {
        kind: 'evtx',
        files: 2,
        bytes: 3 * 1024 * 1024,
        reason: 'Windows event logs are not read yet',
        examples: ['C/Windows/System32/winevt/Logs/Security.evtx', 'C/x/System.evtx'],
      },
    ]
    const { verdict, reasons } = decideVerdict([], null, { examined: nothing, unread })
    assert.equal(verdict, 'no-evidence')
    assert.match(reasons[0] as string, /of 1 file found, none is an Exchange or IIS log/)
    assert.equal(
      reasons[1],
      '2 event log files (3.1 MB) found but not read: Windows event logs are not read yet (e.g. C/Windows/System32/winevt/Logs/Security.evtx, C/x/System.evtx).',
    )
    assert.match(reasons[2] as string, /^Collect the Exchange logs/)
    const empty = decideVerdict([], null, { examined: { ...nothing, found: 0 } })
    assert.match(empty.reasons[0] as string, /it is empty/)
    const only = decideVerdict([], null, {
      examined: { ...nothing, leftOut: { logs: 12, webFiles: 0 } },
    })
    assert.equal(only.reasons[1], '12 log files were left out by --only files.')
    const exposed = decideVerdict([], PROXYLOGON_EXPOSURE, { examined: nothing })
    assert.ok(exposed.reasons.some((r) => r.startsWith('Nothing examined could show exploitation')))
  })

  test('reasons group by rule, count events and IPs, name the first time', () => {
    const { verdict, reasons } = decideVerdict(proxyLogonFindings(), PROXYLOGON_EXPOSURE)
    assert.equal(verdict, 'compromised')
    assert.ok(reasons.length <= 8)
    const ssrf = reasons.find((r) => r.startsWith('CVE-2021-26855 SSRF'))
    assert.equal(
      ssrf,
      // The unknown-outcome request counts too: its rule proves compromise and nothing says it failed.
      'CVE-2021-26855 SSRF via X-BEResource cookie: 4 successful events from 2 IPs (first 2021-03-03T06:12:01Z)',
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
