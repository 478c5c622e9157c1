import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { hostOfLogText, readLogHost } from './log-host.ts'

describe('the host a log names', () => {
  test('Exchange CSV ServerHostName, ECP ServerName, IIS s-computername', () => {
    const proxy =
      '#Software: Microsoft Exchange Server\n#Fields: DateTime,ClientIpAddress,ServerHostName,HttpStatus\n2021-03-03T06:10:05Z,"1.2.3.4",EXCH01,200\n'
    assert.equal(hostOfLogText(proxy), 'EXCH01')
    assert.equal(
      hostOfLogText('#Fields: TimeStamp,ServerName,EventId\r\n2021-03-03,MBX2,1\r\n'),
      'MBX2',
    )
    const iis =
      '#Fields: date time s-computername s-ip cs-method\n2021-03-03 00:00:00 EXCH03 10.0.0.5 GET\n'
    assert.equal(hostOfLogText(iis), 'EXCH03')
  })

  test('no host column, an empty cell or no whole data line: no host', () => {
    assert.equal(
      hostOfLogText('#Fields: date time s-ip\n2021-03-03 00:00:00 10.0.0.5\n'),
      undefined,
    )
    assert.equal(
      hostOfLogText('#Fields: date time s-computername\n2021-03-03 00:00:00 -\n'),
      undefined,
    )
    assert.equal(hostOfLogText('#Fields: DateTime,ServerHostName\n2021-03-03,EXCH0'), undefined)
  })

  test('a UTF-16 log with a BOM, and a file that is gone', async () => {
    const dir = tmpDir('exhunt-log-host-')
    const p = join(dir, 'a.log')
    const text = '#Fields: DateTime,ServerHostName\r\n2021-03-03T00:00:00Z,EXCH04\r\n'
    writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))
    assert.equal(await readLogHost({ type: 'file', fsPath: p }), 'EXCH04')
    assert.equal(await readLogHost({ type: 'file', fsPath: join(dir, 'gone.log') }), undefined)
  })
})
