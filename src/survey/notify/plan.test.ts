// Which targets changed, how they group into notices, and that a notice's key (its Message-ID)
// depends on owner, state and the targets' episodes only.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Owner } from '../owner/types.ts'
import { status } from './fixtures.test-helper.ts'
import { noticeKey, planNotices } from './plan.ts'
import { messageIdOf } from './send.ts'
import { changedTargets, stateOf } from './state.ts'

const ownerA: Owner = { email: 'a@example.org', source: 'abuse-csv', matched: '192.0.2.0/24' }
const ownerB: Owner = { organisation: 'No Mail Ltd', source: 'asn', matched: 'AS64500', asn: 64500 }

test('state from the probe verdict and an uploaded hunt report', () => {
  assert.equal(stateOf('vulnerable'), 'exposed')
  assert.equal(stateOf('patched'), 'patched')
  assert.equal(stateOf('likely-compromised'), 'compromised')
  assert.equal(
    stateOf('patched', 'compromised'),
    'compromised',
    'a hunt that found an implant wins',
  )
  assert.equal(stateOf('unreachable'), undefined)
  assert.equal(stateOf('not-exchange'), undefined)
})

test('changed: a new exposure, a patch after a notice; not a first sighting that is patched', () => {
  const s = [
    status('new', 'exposed'),
    status('same', 'exposed'),
    status('fixed', 'patched'),
    status('never-warned', 'patched'),
    status('worse', 'compromised'),
  ]
  const last = new Map([
    ['same', 'exposed' as const],
    ['fixed', 'exposed' as const],
    ['worse', 'exposed' as const],
  ])
  assert.deepEqual(
    changedTargets(s, last).map((t) => t.targetId),
    ['new', 'fixed', 'worse'],
  )
})

test('one notice per owner and state, listing every target; owners without one are set apart', () => {
  const s = [
    status('b', 'exposed'),
    status('a', 'exposed'),
    status('c', 'compromised'),
    status('d', 'exposed'),
    status('lost', 'exposed'),
  ]
  const owners = new Map([
    ['a', ownerA],
    ['b', ownerA],
    ['c', ownerA],
    ['d', ownerB],
  ])
  const plan = planNotices(s, owners)
  assert.deepEqual(
    plan.notices.map((n) => [n.ownerKey, n.state, n.targets.map((t) => t.targetId)]),
    [
      ['a@example.org', 'compromised', ['c']],
      ['a@example.org', 'exposed', ['a', 'b']],
      ['org:no mail ltd', 'exposed', ['d']],
    ],
  )
  assert.deepEqual(
    plan.ownerless.map((t) => t.targetId),
    ['lost'],
  )
})

test('the key is deterministic: same owner, state and episodes give the same Message-ID', () => {
  const one = planNotices(
    [status('a', 'exposed'), status('b', 'exposed')],
    new Map([
      ['a', ownerA],
      ['b', ownerA],
    ]),
  )
  const again = planNotices(
    [status('b', 'exposed'), status('a', 'exposed')],
    new Map([
      ['b', ownerA],
      ['a', ownerA],
    ]),
  )
  assert.equal(one.notices[0]!.key, again.notices[0]!.key)
  assert.match(one.notices[0]!.key, /^[0-9a-f]{32}$/)
  assert.equal(
    messageIdOf(one.notices[0]!, 'notify@cert.example'),
    `<${one.notices[0]!.key}@cert.example>`,
  )
  const k = (
    state: 'exposed' | 'patched',
    since = '2021-03-05T10:00:00.000Z',
    owner = 'a@example.org',
  ) => noticeKey(owner, state, [status('a', state, { since })])
  assert.notEqual(k('exposed'), k('patched'))
  assert.notEqual(
    k('exposed'),
    k('exposed', '2022-01-01T00:00:00.000Z'),
    'exposed again later is a new notice',
  )
  assert.notEqual(k('exposed'), k('exposed', undefined, 'b@example.org'))
})
