// What an indicator proves comes from content/ioc/proves.yml by type, for shipped lists and --ioc feeds.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { iocFinding } from '../../detect/ioc/finding.ts'
import { IOC_TYPES } from '../../detect/ioc/types.ts'
import { iocContentFiles, loadIocs } from './load.ts'
import { loadIocProves } from './proves.ts'

const CONTENT = join(REPO_ROOT, 'content')

test('every indicator type is declared; a hash proves compromise, an IP an attempt, a user agent context', () => {
  const { proves, issues } = loadIocProves(CONTENT)
  assert.deepEqual(issues, [])
  assert.deepEqual([...proves.keys()].sort(), [...IOC_TYPES].sort())
  const { iocs } = loadIocs(iocContentFiles(CONTENT), { user: false })
  const of = (type: string) => new Set(iocs.filter((i) => i.type === type).map((i) => i.proves))
  assert.deepEqual(of('sha256'), new Set(['compromise']))
  assert.deepEqual(of('ipv4'), new Set(['attempt']))
  assert.deepEqual(of('user_agent'), new Set(['context']))
  assert.deepEqual(of('filepath'), new Set(['suspicion']))
})

test('a user feed proves what its types prove, and the finding carries it', () => {
  const feed = join(tmpDir(), 'case.txt')
  writeFileSync(feed, `203.0.113.77\n${'a'.repeat(64)}\n`)
  const { iocs } = loadIocs([feed], { user: true, proves: loadIocProves(CONTENT).proves })
  const ip = iocs.find((i) => i.type === 'ipv4')
  const hash = iocs.find((i) => i.type === 'sha256')
  assert.equal(ip?.proves, 'attempt')
  assert.equal(hash?.proves, 'compromise')
  const hit = {
    path: 'x.log',
    evidence: 'e',
    outcome: 'unknown' as const,
    where: 'c-ip',
    matched: 'm',
  }
  assert.equal(iocFinding(ip!, hit, false).proves, 'attempt')
  // Without the table (a library caller) an indicator is a lead to review, never proof.
  const bare = loadIocs([feed], { user: true }).iocs[0]!
  assert.equal(iocFinding(bare, hit, false).proves, 'suspicion')
})

test('a missing type in proves.yml is a content error naming the type', () => {
  const dir = tmpDir()
  writeFileSync(join(dir, 'proves.yml'), 'types:\n  sha256: compromise\n')
  writeFileSync(join(dir, 'x.csv'), 'indicator,type\n1.2.3.4,ipv4\n')
  const { issues } = loadIocs([join(dir, 'x.csv')], { user: false })
  const ipv4 = issues.find((i) => i.path === 'types.ipv4')
  assert.equal(ipv4?.severity, 'error')
  assert.match(ipv4?.message ?? '', /proves is missing/)
})
