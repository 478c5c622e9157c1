import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { buildPe, versionInfo } from '../../../test/helpers/pe-builder.ts'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { normaliseBuild } from '../../detect/exposure/normalise.ts'
import { readPeVersionFromFile } from './read-file.ts'
import { bufferSource, parsePeVersion, readPeVersion } from './version.ts'

const EXSETUP = buildPe(versionInfo([15, 1, 2375, 7], '15.01.2375.007'))

describe('PE version resource', () => {
  test('reads VS_FIXEDFILEINFO and the StringFileInfo strings of a PE32 image', () => {
    const v = readPeVersion(EXSETUP)
    assert.ok(v)
    assert.equal(v.fileVersion, '15.1.2375.7')
    assert.equal(v.productVersion, '15.1.2375.7')
    assert.equal(v.strings.FileVersion, '15.01.2375.007')
    assert.equal(v.strings.CompanyName, 'Microsoft Corporation')
    assert.equal(normaliseBuild(v.strings.FileVersion ?? ''), '15.1.2375.7')
  })

  test('reads a PE32+ image too', () => {
    const v = readPeVersion(
      buildPe(versionInfo([15, 2, 1118, 40], '15.02.1118.040'), { pe32plus: true }),
    )
    assert.equal(v?.fileVersion, '15.2.1118.40')
  })

  test('every truncation of a valid file gives null with a reason, never a throw', () => {
    for (let n = 0; n < EXSETUP.length; n++) {
      const r = parsePeVersion(bufferSource(EXSETUP.subarray(0, n)))
      assert.equal(r.ok, false, `prefix of ${n} bytes`)
      if (!r.ok) assert.ok(r.reason.length > 0)
    }
  })

  test('garbage and flipped bytes never throw', () => {
    let seed = 42
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed
    }
    for (let i = 0; i < 300; i++) {
      const g = Buffer.alloc(rnd() % 2048)
      for (let j = 0; j < g.length; j++) g[j] = rnd() & 0xff
      if (i % 2 === 0 && g.length > 2) g.write('MZ', 0, 'latin1')
      assert.equal(readPeVersion(g), null)
      const f = Buffer.from(EXSETUP)
      for (let k = 0; k < 4; k++) f[rnd() % f.length] = rnd() & 0xff
      readPeVersion(f)
    }
    assert.deepEqual(parsePeVersion(bufferSource(Buffer.from('MZ hello'))), {
      ok: false,
      reason: 'truncated: DOS header at offset 0 lies outside the file (or the read budget)',
    })
  })

  test('a resource directory pointing at itself is reported as a loop', () => {
    const looping = buildPe(versionInfo([15, 1, 2375, 7], 'x'), {
      mutate: (r) => {
        r.writeUInt32LE(0x80000000, 20) // RT_VERSION → the root directory again
        r.writeUInt32LE(16, 0 + 16)
      },
    })
    const r = parsePeVersion(bufferSource(looping))
    assert.deepEqual(r, { ok: false, reason: 'resource directory loops' })
  })

  test('zero-length and oversized VS blocks end the walk without looping', () => {
    const vi = versionInfo([15, 1, 2375, 7], '15.01.2375.007')
    const zero = Buffer.from(vi)
    // StringFileInfo block header follows the 52-byte fixed info: make its wLength 0.
    const sfiAt = zero.indexOf(Buffer.from('StringFileInfo', 'utf16le')) - 6
    zero.writeUInt16LE(0, sfiAt)
    const v = readPeVersion(buildPe(zero))
    assert.equal(v?.fileVersion, '15.1.2375.7')
    assert.deepEqual(v?.strings, {})
    const big = Buffer.from(vi)
    big.writeUInt16LE(0xffff, 0)
    assert.equal(readPeVersion(buildPe(big)), null)
  })

  test('readPeVersionFromFile reads a few small ranges and honours the byte budget', () => {
    const p = join(tmpDir(), 'ExSetup.exe')
    writeFileSync(p, Buffer.concat([EXSETUP, Buffer.alloc(1 << 20)]))
    const r = readPeVersionFromFile(p, 4096)
    assert.ok(r.ok)
    if (r.ok) assert.equal(r.version.fileVersion, '15.1.2375.7')
    assert.equal(readPeVersionFromFile(p, 100).ok, false)
    assert.equal(readPeVersionFromFile(join(tmpDir(), 'missing.exe')).ok, false)
  })
})
