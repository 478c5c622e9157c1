// Build → missing CVEs against the real build table: a four-part build is exact; a three-part build
// stands for every SU of its CU: `at-least` is what each of them misses, `possibly` what only some miss.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadContent } from '../../content/load.ts'
import { exposureFor } from '../exposure/exposure.ts'
import { buildExposure } from './missing.ts'

const { content } = loadContent(join(import.meta.dirname, '../../../content'))
const table = content.probe.builds
const families = content.probe.families
const CVE = /^CVE-/

/** What every row of the CU misses (intersection) and what any misses (union), straight from exposureFor. */
function expected(three: string) {
  const rows = table.rows.filter((r) => r.build.startsWith(`${three}.`))
  const sets = rows.map(
    (r) =>
      new Set(
        exposureFor(table, r.build, 't')
          .missing.map((m) => m.cve)
          .filter((c) => CVE.test(c)),
      ),
  )
  const union = new Set(sets.flatMap((s) => [...s]))
  const all = [...union].filter((c) => sets.every((s) => s.has(c)))
  return { rows, all: new Set(all), some: new Set([...union].filter((c) => !all.includes(c))) }
}

describe('three-part builds: at-least and possibly', () => {
  for (const three of [
    '15.1.2176',
    '15.2.1118',
    '15.0.1497',
    '15.1.2507',
    '15.2.1544',
    '15.2.2562',
  ]) {
    test(`${three}: at-least is every SU's, possibly only some SU's`, () => {
      const want = expected(three)
      assert.ok(want.rows.length >= 2, `${three} has a CU and SUs in the table`)
      const got = buildExposure(table, families, three, 3)
      const atLeast = new Set(
        got.missing.filter((m) => m.certainty === 'at-least').map((m) => m.cve),
      )
      const possibly = new Set(
        got.missing.filter((m) => m.certainty === 'possibly').map((m) => m.cve),
      )
      assert.deepEqual([...atLeast].sort(), [...want.all].sort())
      assert.deepEqual([...possibly].sort(), [...want.some].sort())
    })
  }
  test('2016 CU19: ProxyNotShell at least, ProxyLogon possibly (CU19 Mar21SU fixes it)', () => {
    const got = buildExposure(table, families, '15.1.2176', 3)
    const c = (id: string) => got.missing.find((m) => m.cve === id)
    assert.equal(got.versionName, 'CU19')
    assert.equal(got.product, 'Exchange Server 2016')
    assert.equal(c('CVE-2022-41040')?.certainty, 'at-least')
    assert.equal(c('CVE-2022-41040')?.exploitedInWild, true)
    assert.equal(c('CVE-2022-41040')?.family, 'ProxyNotShell')
    assert.equal(c('CVE-2021-26855')?.certainty, 'possibly')
  })
  test('2019 CU12: nothing exploited at least; ProxyNotShell possibly (Nov22SU)', () => {
    const got = buildExposure(table, families, '15.2.1118', 3)
    assert.ok(!got.missing.some((m) => m.exploitedInWild && m.certainty === 'at-least'))
    assert.equal(got.missing.find((m) => m.cve === 'CVE-2022-41082')?.certainty, 'possibly')
    assert.ok(!got.missing.some((m) => m.cve === 'CVE-2021-26855'))
  })
  test('Exchange SE and 2019 share 15.2, the three parts tell them apart', () => {
    assert.equal(buildExposure(table, families, '15.2.2562', 3).product, 'Exchange Server SE')
    assert.equal(buildExposure(table, families, '15.2.1748', 3).product, 'Exchange Server 2019')
  })
  test('a three-part build the table does not know: everything only possibly, said in a note', () => {
    const got = buildExposure(table, families, '15.1.2177', 3)
    assert.ok(got.note)
    assert.ok(got.missing.length > 0 && got.missing.every((m) => m.certainty === 'possibly'))
  })
})

describe('four-part builds', () => {
  test('exact, exploited first, with family and KEV flag', () => {
    const got = buildExposure(table, families, '15.1.2176.2', 4)
    assert.equal(got.versionName, 'CU19')
    assert.ok(got.missing.every((m) => m.certainty === 'exact'))
    const first = got.missing.findIndex((m) => !m.exploitedInWild)
    assert.ok(
      got.missing.slice(first).every((m) => !m.exploitedInWild),
      'exploited CVEs come first',
    )
    assert.deepEqual(
      got.missing.filter((m) => m.family === 'ProxyLogon (HAFNIUM)').map((m) => m.cve),
      ['CVE-2021-26855', 'CVE-2021-26857', 'CVE-2021-26858', 'CVE-2021-27065'],
    )
  })
  test('CU19 Mar21SU has ProxyLogon, misses ProxyShell', () => {
    const got = buildExposure(table, families, '15.1.2176.9', 4)
    assert.ok(!got.missing.some((m) => m.cve === 'CVE-2021-26855'))
    assert.ok(got.missing.some((m) => m.cve === 'CVE-2021-34473' && m.exploitedInWild))
  })
  test('2010 SP3 RU30 misses CVE-2021-26857 (the only ProxyLogon CVE of 2010), RU32 does not', () => {
    assert.ok(
      buildExposure(table, families, '14.3.496.0', 4).missing.some(
        (m) => m.cve === 'CVE-2021-26857',
      ),
    )
    assert.ok(
      !buildExposure(table, families, '14.3.513.0', 4).missing.some(
        (m) => m.cve === 'CVE-2021-26857',
      ),
    )
  })
  test('a build between two known ones is judged from the lower, only possibly', () => {
    const got = buildExposure(table, families, '15.1.2176.5', 4)
    assert.ok(got.note)
    assert.ok(got.missing.every((m) => m.certainty === 'possibly'))
  })
})
