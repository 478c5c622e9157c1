import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { lintContent } from './lint.ts'

const HEADER = '#Fields: DateTime,Protocol,UrlStem,AnchorMailbox,HttpStatus'

function rule(id: string, tests: string): string {
  return `id: ${id}
title: T
status: test
level: high
category: exploitation
proves: attempt
source: httpproxy
references: [https://example.org]
match:
  all:
    - { field: anchormailbox, wildcard: "ServerInfo~*/*" }
tests:
${tests}
`
}

test('lintContent runs every rule test and names each failure', () => {
  const root = tmpDir()
  const dir = join(root, 'rules', 'native', 'httpproxy')
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'exh-good.yml'),
    rule(
      'exh-good',
      `  positive:
    - { header: "${HEADER}", line: "2021-03-02T00:00:00Z,Ecp,/ecp/x.js,ServerInfo~a]@ex:444/mapi/x?#,200" }
  negative:
    - { anchormailbox: "smtp:a@b" }`,
    ),
  )
  writeFileSync(
    join(dir, 'exh-bad.yml'),
    rule(
      'exh-bad',
      `  positive:
    - { anchormailbox: "smtp:a@b" }
  negative:
    - { anchormailbox: "ServerInfo~x/y" }`,
    ),
  )
  writeFileSync(join(dir, 'exh-broken.yml'), rule('exh-broken', '  positive: []\n  negative: []'))
  const r = lintContent(root)
  assert.equal(r.rules, 2)
  assert.deepEqual(
    r.issues.map((i) => [i.file, i.path]),
    [
      ['rules/native/httpproxy/exh-broken.yml', 'tests.positive'],
      ['rules/native/httpproxy/exh-broken.yml', 'tests.negative'],
    ],
  )
  assert.equal(r.tests.run, 4)
  assert.deepEqual(r.tests.failures, [
    'rules/native/httpproxy/exh-bad.yml#tests.positive[0]: did not match',
    'rules/native/httpproxy/exh-bad.yml#tests.negative[0]: matched',
  ])
  assert.equal(r.tests.failed, 2)
})
