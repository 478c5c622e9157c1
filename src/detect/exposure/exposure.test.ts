import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { shippedCounts } from '../../../test/helpers/content-counts.ts'
import { REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { loadCveInfo, windowStart } from '../../content/builds/cves.ts'
import { loadBuildTableChecked } from '../../content/builds/load.ts'
import {
  exposureFor,
  makeBuildTable,
  missesProxyLogonUpdate,
  normaliseBuild,
  pickBuild,
} from './index.ts'

const CONTENT = join(REPO_ROOT, 'content')
const { table, issues } = loadBuildTableChecked(CONTENT)
const PROXYNOTSHELL = ['CVE-2022-41040', 'CVE-2022-41082']

describe('normaliseBuild', () => {
  test('log header, FileVersion and admin forms; placeholders and junk rejected', () => {
    assert.equal(normaliseBuild('15.01.2375.007'), '15.1.2375.7')
    assert.equal(normaliseBuild(' 15.1.2375.7 '), '15.1.2375.7')
    assert.equal(normaliseBuild('Version 15.2 (Build 1118.40)'), '15.2.1118.40')
    assert.equal(normaliseBuild('15.0.0.0'), null)
    assert.equal(normaliseBuild('15.1.2375'), null)
    assert.equal(normaliseBuild('15.1.x.7'), null)
    assert.equal(normaliseBuild(''), null)
  })
})

describe('build table', () => {
  test('every row loads without issue (as many as content/manifest.json counts)', () => {
    assert.deepEqual(issues, [])
    assert.equal(table.rows.length, shippedCounts().buildRows)
  })
})

describe('exposureFor', () => {
  test('2016 CU19 before March 2021 misses ProxyLogon, fixed in its Mar21SU', () => {
    const e = exposureFor(table, '15.01.2176.002', 'log header (#Version)')
    assert.equal(e.build, '15.1.2176.2')
    assert.equal(e.product, 'Exchange Server 2016')
    assert.equal(e.versionName, 'CU19')
    assert.equal(e.releaseDate, '2020-12-15')
    assert.equal(e.approximate, undefined)
    for (const cve of ['CVE-2021-26855', 'CVE-2021-26857', 'CVE-2021-26858', 'CVE-2021-27065']) {
      assert.equal(e.missing.find((m) => m.cve === cve)?.fixedIn, 'CU19 Mar21SU', cve)
    }
    assert.ok(missesProxyLogonUpdate(e))
    assert.equal(e.missing.find((m) => m.cve === 'CVE-2021-34473')?.fixedIn, 'CU19 Apr21SU')
    assert.match(
      e.missing.find((m) => m.cve === 'CVE-2022-21978')?.caveat ?? '',
      /PrepareAllDomains/,
    )
  })

  test('2016 CU19 Mar21SU has ProxyLogon but not ProxyShell', () => {
    const e = exposureFor(table, '15.1.2176.9', 'ExSetup.exe version resource')
    assert.ok(!missesProxyLogonUpdate(e))
    assert.ok(!e.missing.some((m) => m.cve === 'CVE-2021-26855'))
    assert.ok(e.missing.some((m) => m.cve === 'CVE-2021-31207'))
  })

  test('2016 CU22 Nov22SU misses no ProxyNotShell/OWASSRF CVE, but later fixes', () => {
    const e = exposureFor(table, '15.1.2375.37', 'ExSetup.exe version resource')
    assert.equal(e.versionName, 'CU22 Nov22SU')
    for (const c of [...PROXYNOTSHELL, 'CVE-2022-41080', 'CVE-2021-26855', 'CVE-2021-34473']) {
      assert.ok(!e.missing.some((m) => m.cve === c), c)
    }
    assert.equal(e.missing.find((m) => m.cve === 'CVE-2023-21529')?.fixedIn, 'CU23 Feb23SU')
    assert.ok(e.caveats.some((c) => /CVE-2022-21978.*PrepareAllDomains/.test(c)))
  })

  test('2016 CU22 Oct22SU misses ProxyNotShell, fixed in CU22 Nov22SU', () => {
    const e = exposureFor(table, '15.1.2375.32', 'x')
    for (const c of PROXYNOTSHELL)
      assert.equal(e.missing.find((m) => m.cve === c)?.fixedIn, 'CU22 Nov22SU')
  })

  test('2019 CU12 Nov23SU: Nov23SU caveat, misses only 2024+ fixes', () => {
    const e = exposureFor(table, '15.2.1118.40', 'x')
    assert.equal(e.versionName, 'CU12 Nov23SU')
    assert.ok(e.caveats.some((c) => /serialized-data signing/.test(c)))
    assert.ok(e.missing.length > 0)
    assert.ok(
      e.missing.every((m) => /^(CVE-202[4-9]|ADV24)/.test(m.cve)),
      JSON.stringify(e.missing),
    )
    assert.match(e.missing.find((m) => m.cve === 'CVE-2024-26198')?.caveat ?? '', /override/)
  })

  test('Exchange SE RTM is not confused with Exchange 2019 RTM', () => {
    const e = exposureFor(table, '15.2.2562.20', 'x')
    assert.equal(e.product, 'Exchange Server SE')
    assert.ok(!e.missing.some((m) => m.cve === 'CVE-2021-26855'))
  })

  test('Exchange 2010 and 2013 carry the out-of-support caveat', () => {
    assert.ok(
      exposureFor(table, '14.3.496.0', 'x').caveats.some((c) => /2010 is out of support/.test(c)),
    )
    const e13 = exposureFor(table, '15.0.1497.2', 'x')
    assert.ok(e13.caveats.some((c) => /2013 is out of support/.test(c)))
    assert.equal(e13.missing.find((m) => m.cve === 'CVE-2021-26855')?.fixedIn, 'CU23 Mar21SU')
  })

  test('an unknown build is judged from the nearest lower known build, marked approximate', () => {
    const e = exposureFor(table, '15.1.2176.5', 'owa/auth folder')
    assert.equal(e.approximate, true)
    assert.equal(e.versionName, 'CU19 Feb21SU')
    assert.equal(e.missing.find((m) => m.cve === 'CVE-2021-26855')?.fixedIn, 'CU19 Mar21SU')
    assert.ok(e.caveats.some((c) => /nearest lower known build 15\.1\.2176\.4/.test(c)))
    const alien = exposureFor(table, '16.0.1.1', 'x')
    assert.equal(alien.approximate, true)
    assert.deepEqual(alien.missing, [])
  })
})

describe('pickBuild', () => {
  test('ExSetup.exe beats dll, folder and log header; highest build within a source', () => {
    const pick = pickBuild([
      { build: '15.01.2375.037', source: 'log header (#Version)' },
      { build: '15.1.2375.7', source: 'owa/auth folder' },
      { build: '15.1.2375.24', source: 'Microsoft.Exchange.Diagnostics.dll version resource' },
      { build: '15.1.2375.28', source: 'ExSetup.exe version resource' },
      { build: '15.1.2375.31', source: 'ExSetup.exe version resource' },
      { build: '15.0.0.0', source: 'ExSetup.exe version resource' },
    ])
    assert.deepEqual(pick, { build: '15.1.2375.31', source: 'ExSetup.exe version resource' })
    assert.equal(pickBuild([{ build: 'x', source: 'ExSetup.exe' }]), null)
    assert.equal(
      pickBuild([
        { build: '15.1.2375.7', source: 'owa/auth folder' },
        { build: '15.1.2507.6', source: 'log header' },
      ])?.build,
      '15.1.2375.7',
    )
  })
})

describe('update to install', () => {
  test('2016 CU23 Oct25SU missing Dec25SU, Feb26SU and Aug26SU: CU23 Aug26SU, by release date', () => {
    const e = exposureFor(table, '15.1.2507.61', 'x')
    assert.equal(e.versionName, 'CU23 Oct25SU')
    for (const c of ['CVE-2025-64666', 'CVE-2026-21527', 'CVE-2026-62910'])
      assert.ok(
        e.missing.some((m) => m.cve === c),
        c,
      )
    assert.deepEqual(e.update, {
      name: 'CU23 Aug26SU',
      product: 'Exchange Server 2016',
      build: '15.1.2507.72',
      releaseDate: '2026-08-11',
    })
  })

  test('2019 CU14 stays on its CU line when CU14 and CU15 updates of the same day fix it all', () => {
    const e = exposureFor(table, '15.2.1544.36', 'x')
    assert.equal(e.update?.name, 'CU14 Aug26SU')
    assert.equal(e.update?.product, 'Exchange Server 2019')
  })

  test('the earliest update that fixes everything, not a later row with nothing new', () => {
    const row = (versionName: string, build: string, releaseDate: string, fixes: string[]) => ({
      product: 'Exchange Server 2016',
      versionName,
      build,
      releaseDate,
      fixes,
    })
    const t = makeBuildTable(
      [
        row('CU1', '15.1.100.1', '2025-01-01', []),
        row('CU1 Oct25SU', '15.1.100.5', '2025-10-14', ['CVE-A']),
        row('CU1 Feb26SU', '15.1.100.7', '2026-02-10', ['CVE-B']),
        row('CU1 May26HU', '15.1.100.9', '2026-05-07', []),
      ],
      { fixes: [], products: [], markers: {} },
    )
    assert.equal(exposureFor(t, '15.1.100.1', 'x').update?.name, 'CU1 Feb26SU')
  })

  test('a fully patched build has no update to install', () => {
    const e = exposureFor(table, '15.1.2507.72', 'x')
    assert.deepEqual(e.missing, [])
    assert.equal(e.update, undefined)
  })
})

describe('CVE families', () => {
  test('ProxyLogon, ProxyShell, ProxyNotShell and OWASSRF with exploitation dates', () => {
    const info = loadCveInfo(CONTENT)
    const by = new Map(info.map((i) => [i.id, i]))
    assert.deepEqual(by.get('proxylogon')?.cves, [
      'CVE-2021-26855',
      'CVE-2021-26857',
      'CVE-2021-26858',
      'CVE-2021-27065',
    ])
    assert.equal(by.get('proxylogon')?.firstExploited, '2021-01-03')
    assert.equal(by.get('proxylogon')?.patched, '2021-03-02')
    assert.equal(by.get('proxyshell')?.cves.length, 3)
    assert.deepEqual(by.get('proxynotshell')?.cves, PROXYNOTSHELL)
    assert.deepEqual(by.get('owassrf')?.cves, ['CVE-2022-41080'])
    assert.equal(windowStart(by.get('proxyshell')?.firstExploited ?? ''), '2021-08-01')
    for (const i of info)
      assert.ok(i.references.length > 0 && i.references.every((r) => r.startsWith('https://')))
    // Every fix named by a family is in the build table.
    const fixed = new Set(table.rows.flatMap((r) => r.fixes))
    for (const i of info) for (const c of i.cves) assert.ok(fixed.has(c), c)
  })
})
