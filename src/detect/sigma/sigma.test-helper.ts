// Hand-built rules and events for the Sigma engine's tests.
import type { EventRecord, EventValue } from '../../shared/event-record.ts'
import { sigmaEngine } from './engine.ts'
import type { SigmaMapping, SigmaRuleData } from './types.ts'

export const TEST_MAPPING: SigmaMapping = {
  logsources: [
    {
      when: { product: 'windows', category: 'process_creation' },
      sources: [
        { channel: 'Microsoft-Windows-Sysmon/Operational', eventIds: [1] },
        {
          channel: 'Security',
          eventIds: [4688],
          fields: {
            Image: 'NewProcessName',
            ParentImage: 'ParentProcessName',
            ProcessId: 'NewProcessId',
            ParentProcessId: 'ProcessId',
          },
        },
      ],
    },
    {
      when: { product: 'windows', service: 'test' },
      sources: [{ channel: 'Test' }],
    },
    {
      when: { product: 'windows', service: 'msexchange-management' },
      sources: [{ channel: 'MSExchange Management' }],
    },
  ],
  elsewhere: [{ when: { category: 'webserver' }, reason: 'webserver rules read IIS logs' }],
}

export function rule(
  detection: unknown,
  logsource: Record<string, string> = { product: 'windows', service: 'test' },
  over: Partial<SigmaRuleData> = {},
): SigmaRuleData {
  return {
    file: 'rules/sigma/test-rule.yml',
    header: {
      id: 'sigma-test',
      title: 'Test rule',
      level: 'high',
      category: 'post-exploitation',
      proves: 'suspicion',
      cves: [],
      attack: [],
      references: ['https://example.org/sigma-test'],
      falsepositives: [],
    },
    logsource,
    detection,
    ...over,
  }
}

let nextId = 1

export function event(
  fields: Record<string, EventValue>,
  over: Partial<EventRecord> = {},
): EventRecord {
  const id = nextId++
  return {
    eventId: 1,
    provider: 'Test',
    channel: 'Test',
    computer: 'EXCH01',
    time: '2021-03-03T06:10:05.000Z',
    recordId: id,
    fields,
    source: { path: 'Logs/Test.evtx', offset: id * 100, chunk: 0 },
    ...over,
  }
}

/** Does `detection` (over the Test channel) match the event? Throws what compiling throws. */
export function matches(detection: unknown, ev: EventRecord | Record<string, EventValue>): boolean {
  const c = sigmaEngine.compile({ rules: [rule(detection)], mapping: TEST_MAPPING })
  if (c.issues.length) throw new Error(c.issues.map((i) => i.message).join('; '))
  if (c.skipped.length) throw new Error(`skipped: ${c.skipped[0]!.reason}`)
  const rec =
    'source' in ev && 'eventId' in ev
      ? (ev as EventRecord)
      : event(ev as Record<string, EventValue>)
  let hit = false
  c.session().match(rec, () => {
    hit = true
  })
  return hit
}
