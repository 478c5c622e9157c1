import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { buildPe, versionInfo } from '../../../test/helpers/pe-builder.ts'
import { compiledPagePaths, readClrStrings } from './clr-metadata.ts'
import { bufferSource } from './pe-layout.ts'

// Assemblies compiled by mono-mcs from test/fixtures/clr/*.cs (make.sh there).
const FIX = join(REPO_ROOT, 'test', 'fixtures', 'clr')
const shell = readFileSync(join(FIX, 'App_Web_shellpage.dll'))
const plain = readFileSync(join(FIX, 'App_Web_plainpage.dll'))

describe('.NET metadata strings', () => {
  test('identifiers, literals and the compiled page path of a page assembly', () => {
    const r = readClrStrings(bufferSource(shell))
    assert.ok(r.ok, r.ok ? '' : r.reason)
    const s = r.strings
    assert.equal(s.runtime, 'v4.0.30319')
    for (const id of [
      'ASP',
      'aspnet_client_system_web_errorff_aspx',
      'ProcessStartInfo',
      'get_Request',
      'Start',
    ])
      assert.ok(s.identifiers.includes(id), id)
    assert.ok(s.userStrings.includes('cmd.exe'))
    assert.deepEqual(compiledPagePaths(s), ['~/aspnet_client/system_web/errorFF.aspx'])
    const p = readClrStrings(bufferSource(plain))
    assert.ok(p.ok)
    assert.deepEqual(compiledPagePaths(p.strings), ['~/auth/hello.aspx'])
    assert.ok(!p.strings.identifiers.includes('ProcessStartInfo'))
  })

  test('a native PE is not a .NET assembly, and says so', () => {
    const r = readClrStrings(bufferSource(buildPe(versionInfo([15, 1, 2375, 7], '15.01.2375.007'))))
    assert.equal(r.ok, false)
    assert.equal(!r.ok && r.notClr, true)
  })

  test('damaged assemblies give a reason or a partial answer, never a throw (2,000 mutations)', () => {
    let seed = 7
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    let reasons = 0
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(shell)
      if (i % 4 === 0) {
        const cut = b.subarray(0, rand(b.length))
        const r = readClrStrings(bufferSource(cut))
        if (!r.ok) reasons++
        continue
      }
      for (let k = 0; k < 1 + rand(8); k++) b[rand(b.length)] = rand(256)
      const r = readClrStrings(bufferSource(b))
      if (!r.ok) reasons++
      else assert.ok(Array.isArray(r.strings.identifiers) && Array.isArray(r.strings.userStrings))
    }
    assert.ok(
      reasons > 0,
      'some mutations must be rejected, else the checks are not being exercised',
    )
  })
})
