// noCleanAnswer: when a target's answers cannot be judged at all (the hostile lab kinds), and when they can.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ProbeResponse } from '../../shared/probe.ts'
import { noCleanAnswer } from './judge.ts'

const r = (id: string, o: Partial<ProbeResponse>): ProbeResponse => ({
  id,
  status: 200,
  headers: {},
  body: '',
  bodyTruncated: false,
  ms: 1,
  ...o,
})
const paths = new Map([
  ['fp-owa', '/owa/'],
  ['fp-ews', '/EWS/Exchange.asmx'],
])

test('a plain 404 is a clean answer; a redirect elsewhere too', () => {
  assert.equal(noCleanAnswer([r('fp-owa', { status: 404 })], paths), undefined)
  const away = r('fp-owa', { status: 302, headers: { location: '/owa/auth/logon.aspx' } })
  assert.equal(noCleanAnswer([away], paths), undefined)
})

test('every request sent back to itself: a redirect loop, named', () => {
  const loop = [
    r('fp-owa', { status: 302, headers: { location: '/owa/' } }),
    r('fp-ews', { status: 302, headers: { location: 'https://h/EWS/Exchange.asmx' } }),
  ]
  assert.match(noCleanAnswer(loop, paths) ?? '', /^Redirect loop: .*\/owa\/ \u2192 \/owa\//)
})

test('answers that all carry an error: cut, with the commonest error named', () => {
  const err = { code: 'too-large' as const, message: 'response body over 1 MiB' }
  const got = noCleanAnswer([r('fp-owa', { error: err }), r('fp-ews', { error: err })], paths)
  assert.equal(
    got,
    'Every answer was cut or broken: too-large (response body over 1 MiB) on 2 of 2 requests.',
  )
  const none = noCleanAnswer([
    r('fp-owa', { status: null, error: { code: 'reset', message: 'x' } }),
  ])
  assert.match(none ?? '', /^No HTTP answer: reset/)
  assert.equal(noCleanAnswer([]), 'No HTTP answer: nothing came back.')
})
