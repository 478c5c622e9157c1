// The engine as a whole: routing by channel, event id and provider, per-source field renames, the
// noisy option, skipped rules, the finding it builds, hostile events, and its speed.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { EventRecord } from '../../shared/event-record.ts'
import type { Finding } from '../../shared/types.ts'
import { sigmaEngine } from './engine.ts'
import { event, rule, TEST_MAPPING } from './sigma.test-helper.ts'

const PROC = { product: 'windows', category: 'process_creation' }
const w3wpCmd = {
  selection: { 'ParentImage|endswith': '\\w3wp.exe', 'Image|endswith': '\\cmd.exe' },
  condition: 'selection',
}

function hits(rules: ReturnType<typeof rule>[], events: EventRecord[], noisy = false): Finding[] {
  const c = sigmaEngine.compile({ rules, mapping: TEST_MAPPING, noisy })
  const out: Finding[] = []
  const s = c.session()
  for (const e of events) s.match(e, (f) => out.push(f))
  return out
}

const sysmon1 = (fields: Record<string, string>, over: Partial<EventRecord> = {}) =>
  event(fields, {
    channel: 'Microsoft-Windows-Sysmon/Operational',
    provider: 'Microsoft-Windows-Sysmon',
    eventId: 1,
    ...over,
  })

describe('sigma engine', () => {
  it('reads a process_creation rule on Sysmon 1 and on Security 4688 through the renames', () => {
    const r = rule(w3wpCmd, PROC)
    const fs = hits(
      [r],
      [
        sysmon1({ ParentImage: 'C:\\inetsrv\\w3wp.exe', Image: 'C:\\x\\cmd.exe' }),
        event(
          { ParentProcessName: 'C:\\inetsrv\\w3wp.exe', NewProcessName: 'C:\\x\\cmd.exe' },
          { channel: 'Security', eventId: 4688 },
        ),
        // Wrong event id on the right channel, wrong channel: nothing.
        sysmon1({ ParentImage: 'C:\\inetsrv\\w3wp.exe', Image: 'C:\\x\\cmd.exe' }, { eventId: 3 }),
        event(
          { ParentImage: 'C:\\inetsrv\\w3wp.exe', Image: 'C:\\x\\cmd.exe' },
          { channel: 'Application' },
        ),
        // Security 4688 does not know Sysmon's names: its own `ProcessId` is the parent's.
        event(
          { ParentImage: 'C:\\inetsrv\\w3wp.exe', Image: 'C:\\x\\cmd.exe' },
          { channel: 'Security', eventId: 4688 },
        ),
      ],
    )
    assert.equal(fs.length, 2)
    assert.deepEqual(fs[1]!.fields, {
      ParentImage: 'C:\\inetsrv\\w3wp.exe',
      Image: 'C:\\x\\cmd.exe',
    })
  })
  it('channel names match case-insensitively, as Windows treats them', () => {
    const fs = hits(
      [rule(w3wpCmd, PROC)],
      [
        sysmon1(
          { ParentImage: 'w3wp.exe\\w3wp.exe', Image: 'a\\cmd.exe' },
          { channel: 'microsoft-windows-sysmon/operational' },
        ),
      ],
    )
    assert.equal(fs.length, 1)
  })
  it('builds the finding: rule, severity, proves, time, record, indicators, evidence, attribution', () => {
    const r = rule(w3wpCmd, PROC, {
      url: 'https://github.com/SigmaHQ/sigma/blob/x/rules/a.yml',
      phase: 'persistence',
    })
    r.header.author = 'A. Author'
    r.header.license = 'DRL-1.1'
    const e = sysmon1({
      ParentImage: 'C:\\w3wp.exe',
      Image: 'C:\\cmd.exe',
      User: 'IIS APPPOOL\\MSExchangeOWAAppPool',
    })
    const [f] = hits([r], [e])
    assert.ok(f)
    assert.equal(f.rule, 'sigma-test')
    assert.equal(f.severity, 'high')
    assert.equal(f.proves, 'suspicion')
    assert.equal(f.outcome, 'unknown')
    assert.equal(f.phase, 'persistence')
    assert.equal(f.time, e.time)
    assert.deepEqual(f.source, { path: e.source.path, record: e.recordId })
    assert.deepEqual(f.indicators.users, ['IIS APPPOOL\\MSExchangeOWAAppPool'])
    assert.deepEqual(f.indicators.paths, ['C:\\cmd.exe'])
    assert.match(f.evidence, /^EventID 1 · Microsoft-Windows-Sysmon\/Operational · EXCH01\n/)
    assert.deepEqual(f.ruleSource, {
      engine: 'sigma',
      file: 'rules/sigma/test-rule.yml',
      author: 'A. Author',
      license: 'DRL-1.1',
      url: 'https://github.com/SigmaHQ/sigma/blob/x/rules/a.yml',
    })
    assert.match(
      f.reasons![0]!,
      /author A\. Author; rule https:\/\/github.com\/SigmaHQ\/sigma\/blob\/x\/rules\/a\.yml; licence DRL-1\.1/,
    )
    // Same event twice: same id; another record: another id.
    const [g] = hits([r], [e])
    assert.equal(g!.id, f.id)
  })
  it('noisy rules are skipped with the reason unless asked for', () => {
    const r = rule(w3wpCmd, PROC, { noisy: 'fires every day' })
    const c = sigmaEngine.compile({ rules: [r], mapping: TEST_MAPPING })
    assert.equal(c.rules, 0)
    assert.deepEqual(
      c.skipped.map((s) => [s.kind, s.reason]),
      [['noisy', 'noisy: fires every day']],
    )
    assert.equal(
      hits([r], [sysmon1({ ParentImage: 'w\\w3wp.exe', Image: 'c\\cmd.exe' })], true).length,
      1,
    )
  })
  it('rules for logs that are not events, unmapped logsources and correlation rules are skipped with the reason', () => {
    const c = sigmaEngine.compile({
      mapping: TEST_MAPPING,
      rules: [
        rule(w3wpCmd, { category: 'webserver' }),
        rule(w3wpCmd, { product: 'linux', category: 'process_creation' }),
        rule(w3wpCmd, PROC, { unsupportedKeys: ['correlation'] }),
      ],
    })
    assert.deepEqual(
      c.skipped.map((s) => s.kind),
      ['logsource', 'logsource', 'unsupported'],
    )
    assert.match(
      c.skipped[1]!.reason,
      /product: linux, category: process_creation\) is mapped to no event channel/,
    )
    assert.equal(c.issues.length, 0)
  })
  it('hostile events: odd values, huge values, missing parts never throw', () => {
    const r = rule({
      a: { 'A|contains': 'x' },
      b: { 'B|re': '^a+$' },
      c: { 'C|cidr': '10.0.0.0/8' },
      k: ['needle'],
      condition: '1 of them',
    })
    const huge = 'a'.repeat(2_000_000)
    const odd: EventRecord[] = [
      event({ A: null, B: huge, C: 'not-an-ip' }),
      event({ A: ['x', 'y'], B: 42, C: true }),
      event({}),
      event({ A: '\u0000\uffff\ud800', B: '', C: '::ffff:10.1.2.3' }, { data: [] }),
      event({ ['']: 'needle' }, { channel: '' }),
      { ...event({ A: 'x' }), provider: '', computer: '', time: '' },
    ]
    const fs = hits([r], odd)
    // The huge B, the list A, the IPv4-mapped C (an IPv6 address is not in an IPv4 network), the last A.
    assert.equal(fs.length, 3)
    for (const f of fs) assert.ok(f.evidence.length <= 2000)
  })
  it('is fast: events of channels no rule reads cost a map lookup; matching ones a few closures', () => {
    const rules = Array.from({ length: 40 }, (_, i) =>
      rule(
        {
          sel: {
            'ParentImage|endswith': ['\\w3wp.exe', `\\p${i}.exe`],
            'CommandLine|contains': ['whoami', `x${i}`],
          },
          filter: { 'Image|endswith': '\\werfault.exe' },
          condition: 'sel and not filter',
        },
        PROC,
        { header: { ...rule({}).header, id: `r${i}` } },
      ),
    )
    const c = sigmaEngine.compile({ rules, mapping: TEST_MAPPING })
    const events = Array.from({ length: 2000 }, (_, i) =>
      sysmon1({
        ParentImage: 'C:\\Windows\\explorer.exe',
        Image: `C:\\x\\prog${i}.exe`,
        CommandLine: `prog${i}.exe --flag ${i}`,
      }),
    )
    const s = c.session()
    const t0 = process.cpuUsage()
    let found = 0
    for (let k = 0; k < 25; k++) for (const e of events) s.match(e, () => found++)
    const cpu = process.cpuUsage(t0)
    const us = (cpu.user + cpu.system) / 50_000
    assert.equal(found, 0)
    // 50,000 events × 40 rules; generous bound for a loaded shared machine (CPU time, not wall clock).
    assert.ok(us < 200, `${us.toFixed(1)} µs of CPU per event`)
  })
})
