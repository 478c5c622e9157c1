import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { buildPe, versionInfo } from '../../test/helpers/pe-builder.ts'
import { tmpDir } from '../../test/helpers/tmp.ts'
import { discoverEvidence } from '../sources/discover.ts'
import type { LogFileSummary } from '../sources/logs/index.ts'
import { detectBuild } from './build.ts'

const V15 = 'C/Program Files/Microsoft/Exchange Server/V15'

function put(root: string, rel: string, data: string | Buffer) {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), data)
}

function logSummary(build: string): LogFileSummary {
  return {
    path: `${V15}/Logging/HttpProxy/Owa/HttpProxy_2021030301-1.LOG`,
    logType: 'httpproxy',
    encoding: 'utf8',
    bytes: 100,
    lines: 1,
    records: 1,
    builds: [build],
  }
}

async function buildOf(root: string, summaries: LogFileSummary[] = []) {
  const ev = await discoverEvidence(root)
  try {
    return await detectBuild(ev, summaries, [])
  } finally {
    await ev.close()
  }
}

describe('detectBuild', () => {
  test('ExSetup.exe version resource wins over owa/auth folders and log headers', async () => {
    const root = tmpDir()
    put(root, `${V15}/bin/ExSetup.exe`, buildPe(versionInfo([15, 1, 2375, 7], '15.01.2375.007')))
    put(root, `${V15}/FrontEnd/HttpProxy/owa/auth/15.1.2176.2/themes/logon.css`, 'x')
    const b = await buildOf(root, [logSummary('15.1.2106.2')])
    assert.deepEqual(b, { build: '15.1.2375.7', source: 'ExSetup.exe version resource' })
  })

  test('else the highest owa/auth/<build> folder, else the log #Version', async () => {
    const root = tmpDir()
    put(root, `${V15}/FrontEnd/HttpProxy/owa/auth/15.1.2176.2/themes/logon.css`, 'x')
    put(root, `${V15}/FrontEnd/HttpProxy/owa/auth/15.1.2106.2/themes/logon.css`, 'x')
    assert.deepEqual(await buildOf(root, [logSummary('15.1.2106.2')]), {
      build: '15.1.2176.2',
      source: 'owa/auth folder name',
    })
    const bare = tmpDir()
    put(bare, `${V15}/Logging/HttpProxy/Owa/x.txt`, 'x')
    assert.deepEqual(await buildOf(bare, [logSummary('15.1.2106.2')]), {
      build: '15.1.2106.2',
      source: 'Exchange log header (#Version)',
    })
  })

  test('a corrupt ExSetup.exe is an item error and the next source is used', async () => {
    const root = tmpDir()
    put(root, `${V15}/bin/ExSetup.exe`, Buffer.from('MZ not really a PE'))
    const ev = await discoverEvidence(root)
    const errors: { code: string }[] = []
    try {
      const b = await detectBuild(ev, [logSummary('15.1.2106.2')], errors as never)
      assert.equal(b?.build, '15.1.2106.2')
      assert.deepEqual(
        errors.map((e) => e.code),
        ['EXH_ERR_PE_VERSION'],
      )
    } finally {
      await ev.close()
    }
  })
})
