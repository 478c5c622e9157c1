// Target statuses for the notify tests, from the fixture probe result (test/fixtures/notify).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ProbeTargetResult } from '../../shared/probe.ts'
import type { NotifyState, TargetStatus } from './types.ts'

export const NOTIFY_FIXTURES = join(import.meta.dirname, '../../../test/fixtures/notify')

export function vulnerableProbe(): ProbeTargetResult {
  return JSON.parse(readFileSync(join(NOTIFY_FIXTURES, 'probe-vulnerable.json'), 'utf8'))
}

export function status(
  targetId: string,
  state: NotifyState,
  over: Partial<TargetStatus> = {},
): TargetStatus {
  const probe = vulnerableProbe()
  if (state === 'patched') {
    probe.verdict = 'patched'
    probe.reason = 'Exchange 2016 CU23 (15.1.2507.39) has every fix in the build table'
    probe.build = { ...probe.build!, build: '15.1.2507.39', versionName: 'CU23 Jul24SU' }
    probe.missing = []
  }
  if (state === 'compromised') {
    probe.verdict = 'likely-compromised'
    probe.checks = [
      {
        id: 'exh-probe-known-shell',
        title: 'Known ProxyLogon web-shell path',
        cves: ['CVE-2021-27065'],
        outcome: 'shell-answered',
        evidence: '/aspnet_client/supp0rt.aspx answered 200 with a China Chopper form',
        requestIds: ['chk-shell-1'],
        references: [],
      },
    ]
  }
  return {
    targetId,
    label: `https://${targetId}.example.org/`,
    ip: '192.0.2.7',
    state,
    since: '2021-03-05T10:00:00.000Z',
    lastSeen: '2021-03-06T10:00:00.000Z',
    probe,
    ...over,
  }
}
