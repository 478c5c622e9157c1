// Bad and unusual input: encodings, chunk boundaries, NUL padding, binary files, huge lines,
// truncation, stream errors, mid-file header changes, the needles prefilter.
import assert from 'node:assert/strict'
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import type { ItemError, LogRecord } from '../../shared/types.ts'
import { type LogScanOptions, scanLog } from './index.ts'

const HP_HEADER =
  '#Software: Microsoft Exchange Server\r\n#Version: 15.01.2375.007\r\n#Log-type: HttpProxy Logs\r\n#Date: 2023-01-06T00:00:00.000Z\r\n#Fields: DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,Protocol,UrlStem,AuthenticatedUser,AnchorMailbox,UserAgent,ClientIpAddress,HttpStatus,Method,UrlQuery\r\n'

function hpLine(i: number, stem = '/mapi/emsmdb/', anchor = 'MailboxGuid~1'): string {
  const t = `2023-01-06T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`
  return `${t},req-${i},15,1,2375,7,Mapi,${stem},CONTOSO\\u${i},${anchor},MapiHttpClient,"10.0.0.${i % 250}, 10.9.9.9",200,POST,?a=${i}`
}

const IIS_HEADER =
  '#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: 2023-01-06 00:00:00\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n'

function iisLine(sec: number, stem = '/owa/') {
  return `2023-01-06 10:00:${String(sec).padStart(2, '0')} 10.0.0.5 GET ${stem} - 443 - 10.1.1.${sec} Mozilla/5.0+(Windows) - 200 0 0 5`
}

async function scanBytes(
  bytes: Buffer,
  opts: Partial<LogScanOptions> = {},
  chunk = 7,
  path = 'x.log',
) {
  const records: LogRecord[] = []
  const errors: ItemError[] = []
  const parts: Buffer[] = []
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk))
  const summary = await scanLog(Readable.from(parts), path, {
    ...opts,
    onRecord: (r) => records.push(r),
    onError: (e) => errors.push(e),
  })
  return { summary, records, errors }
}

describe('scanLog robustness', () => {
  it('a field list that changes mid-file (restart with a new #Fields) is followed', async () => {
    const text = `${HP_HEADER}${hpLine(1)}\r\n#Software: Microsoft Exchange Server\r\n#Version: 15.02.1118.007\r\n#Log-type: HttpProxy Logs\r\n#Fields: DateTime,UrlStem,ClientIpAddress,MajorVersion,MinorVersion,BuildVersion,RevisionVersion\r\n2023-01-07T00:00:00.000Z,/owa/x,1.2.3.4:5555,15,2,1118,7\r\n`
    for (const chunk of [1, 5, 64, 100_000]) {
      const { summary, records, errors } = await scanBytes(Buffer.from(text), {}, chunk)
      assert.deepEqual(errors, [])
      assert.equal(summary.lines, 11)
      assert.equal(records.length, 2)
      assert.equal(records[0]!.ip, '10.0.0.1', 'first address of a comma list')
      assert.equal(records[0]!.fields.authenticateduser, 'CONTOSO\\u1')
      assert.equal(records[1]!.urlPath, '/owa/x')
      assert.equal(records[1]!.ip, '1.2.3.4', 'port dropped')
      assert.equal(records[1]!.fields.authenticateduser, undefined)
      assert.equal(records[1]!.line, 11)
      assert.deepEqual(summary.builds, ['15.1.2375.7', '15.2.1118.7'])
      assert.equal(summary.version, '15.02.1118.007')
      assert.equal(summary.oldest, '2023-01-06T10:00:01.001Z')
      assert.equal(summary.newest, '2023-01-07T00:00:00.000Z')
    }
  })

  for (const enc of ['utf16le', 'utf16be'] as const) {
    it(`${enc} with BOM decodes across odd chunk boundaries (non-ASCII intact)`, async () => {
      const text = `${IIS_HEADER}${iisLine(1, '/owa/ümlaut😀.aspx')}\r\n${iisLine(2)}`
      let body = Buffer.from(text, 'utf16le')
      if (enc === 'utf16be') body = Buffer.from(body).swap16()
      const bom = enc === 'utf16le' ? Buffer.from([0xff, 0xfe]) : Buffer.from([0xfe, 0xff])
      const { summary, records, errors } = await scanBytes(Buffer.concat([bom, body]), {}, 3)
      assert.deepEqual(errors, [])
      assert.equal(summary.encoding, enc)
      assert.equal(summary.logType, 'iis')
      assert.equal(records.length, 2)
      assert.equal(records[0]!.urlPath, '/owa/ümlaut😀.aspx')
      assert.equal(records[1]!.line, 6)
      assert.equal(records[1]!.time, '2023-01-06T10:00:02Z')
    })
  }

  it('UTF-8 BOM is skipped and the header still recognised', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${IIS_HEADER}${iisLine(3)}\n`),
    ])
    const { summary, records } = await scanBytes(bytes)
    assert.equal(summary.software, 'Microsoft Internet Information Services 10.0')
    assert.equal(records.length, 1)
  })

  it('NUL padding after an unclean shutdown: skipped, one error, lines after it parsed', async () => {
    const nuls = Buffer.alloc(50_000)
    const bytes = Buffer.concat([
      Buffer.from(`${IIS_HEADER}${iisLine(1)}\r\n`),
      nuls,
      Buffer.from(`${IIS_HEADER}${iisLine(2)}\r\n`),
      nuls,
    ])
    const { records, errors } = await scanBytes(bytes, {}, 4096)
    assert.deepEqual(
      errors.map((e) => e.code),
      ['EXH_ERR_LOG_NUL_BYTES'],
    )
    assert.match(errors[0]!.message, /^100000 NUL bytes/)
    assert.deepEqual(
      records.map((r) => r.time),
      ['2023-01-06T10:00:01Z', '2023-01-06T10:00:02Z'],
    )
  })

  it('a binary file stops with EXH_ERR_LOG_BINARY and no records', async () => {
    const bin = Buffer.alloc(20_000)
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) % 256
    bin.write('MZ', 0)
    const { summary, errors } = await scanBytes(bin, {}, 1000)
    assert.deepEqual(
      errors.map((e) => e.code),
      ['EXH_ERR_LOG_BINARY'],
    )
    assert.equal(summary.records, 0)
    assert.equal(summary.lines, 0)
  })

  it('a 40 MB line: one error with its line number, bounded memory, later lines parsed', async () => {
    const path = join(tmpDir(), 'u_ex230106.log')
    const fd = openSync(path, 'w')
    writeSync(fd, `${IIS_HEADER}${iisLine(1)}\r\n2023-01-06 10:00:05 `)
    const block = Buffer.alloc(1024 * 1024, 'A')
    for (let i = 0; i < 40; i++) writeSync(fd, block)
    writeSync(fd, `\r\n${iisLine(9)}\r\n${iisLine(10)}`)
    closeSync(fd)
    const records: LogRecord[] = []
    const errors: ItemError[] = []
    const before = process.memoryUsage().rss
    const summary = await scanLog(createReadStream(path), path, {
      onRecord: (r) => records.push(r),
      onError: (e) => errors.push(e),
    })
    const grown = process.memoryUsage().rss - before
    // Buffering the line (40 MB of pieces + a 40 MB concat) would need >= 80 MB; streaming garbage
    // not yet collected stays well below 64 MB.
    assert.ok(grown < 64 * 1024 * 1024, `rss grew ${grown} bytes`)
    assert.deepEqual(
      errors.map((e) => [e.code, e.line]),
      [['EXH_ERR_LOG_LINE_TOO_LONG', 6]],
    )
    assert.equal(summary.lines, 8)
    assert.deepEqual(
      records.map((r) => r.line),
      [5, 7, 8],
    )
    assert.equal(records[2]!.time, '2023-01-06T10:00:10Z', 'truncated last line is parsed')
  })

  it('a line over maxLineBytes inside one chunk is skipped too', async () => {
    const text = `${IIS_HEADER}${iisLine(1, `/${'x'.repeat(500)}`)}\n${iisLine(2)}\n`
    const { records, errors } = await scanBytes(Buffer.from(text), { maxLineBytes: 300 }, 1 << 20)
    assert.deepEqual(
      errors.map((e) => [e.code, e.line]),
      [['EXH_ERR_LOG_LINE_TOO_LONG', 5]],
    )
    assert.deepEqual(
      records.map((r) => r.line),
      [6],
    )
  })

  it('data lines before any header in an Exchange log: counted, one EXH_ERR_LOG_NO_HEADER', async () => {
    const text = `${hpLine(1)}\n${hpLine(2)}\n${HP_HEADER}${hpLine(3)}\n`
    const path =
      'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\HttpProxy\\Ecp\\HttpProxy_2023010610-1.LOG'
    const { summary, records, errors } = await scanBytes(Buffer.from(text), {}, 11, path)
    assert.deepEqual(
      errors.map((e) => [e.code, e.line]),
      [['EXH_ERR_LOG_NO_HEADER', 1]],
    )
    assert.match(errors[0]!.message, /^2 data lines/)
    assert.equal(summary.logType, 'httpproxy')
    assert.equal(summary.subtype, 'Ecp')
    assert.equal(records.length, 1)
    assert.equal(records[0]!.subtype, 'Ecp')
    assert.equal(summary.lines, 8)
  })

  it('a bare CSV column line at the top (newer CUs) is taken as the header', async () => {
    const cols = 'DateTime,UrlStem,AuthenticatedUser,ClientIpAddress'
    const text = `${cols}\r\n#Software: Microsoft Exchange Server\r\n#Version: 15.02.1118.007\r\n#Log-type: Rps Http Logs\r\n#Fields: ${cols}\r\n2023-11-20T14:15:43.189Z,/PowerShell/,CONTOSO\\admin,10.0.0.14\r\n`
    const { summary, records, errors } = await scanBytes(Buffer.from(text))
    assert.deepEqual(errors, [])
    assert.equal(summary.logType, 'rps-http')
    assert.equal(records[0]!.user, 'CONTOSO\\admin')
    assert.equal(records[0]!.ip, '10.0.0.14')
  })

  it('needles: only matching lines become records; oldest/newest still cover every line', async () => {
    const lines = [HP_HEADER.trimEnd()]
    for (let i = 0; i < 3000; i++) {
      lines.push(i === 1234 ? hpLine(i, '/ecp/y.js', 'ServerInfo~a]@exch01:444/x?#') : hpLine(i))
    }
    const text = `${lines.join('\r\n')}\r\n`
    let asked = ''
    const { summary, records } = await scanBytes(
      Buffer.from(text),
      {
        needles: (t) => {
          asked = t
          return ['serverinfo~', 'never-there']
        },
      },
      4096,
    )
    assert.equal(asked, 'httpproxy')
    assert.equal(records.length, 1)
    assert.equal(records[0]!.fields.anchormailbox, 'ServerInfo~a]@exch01:444/x?#')
    assert.equal(records[0]!.line, 5 + 1235)
    assert.equal(summary.records, 1)
    assert.equal(summary.lines, 3005)
    assert.equal(summary.oldest, '2023-01-06T10:00:00.000Z')
    assert.equal(summary.newest, hpLine(2999).slice(0, 24))
    assert.deepEqual(summary.builds, ['15.1.2375.7'])
  })

  it('needles on IIS with a time column not first: first/last lines still give oldest/newest', async () => {
    const header = '#Fields: s-ip date time cs-method cs-uri-stem c-ip\n'
    const body = [1, 2, 3, 4]
      .map((s) => `10.0.0.1 2023-01-06 10:00:0${s} GET /p${s} 1.1.1.1`)
      .join('\n')
    const { summary, records } = await scanBytes(Buffer.from(header + body), {
      needles: () => ['/p2'],
    })
    assert.deepEqual(
      records.map((r) => r.urlPath),
      ['/p2'],
    )
    assert.equal(summary.oldest, '2023-01-06T10:00:01Z')
    assert.equal(summary.newest, '2023-01-06T10:00:04Z')
  })

  it('onType returning false skips the rest of the file', async () => {
    const text = `${IIS_HEADER}${iisLine(1)}\n${iisLine(2)}\n`
    const { summary, records } = await scanBytes(Buffer.from(text), { onType: () => false })
    assert.equal(summary.logType, 'iis')
    assert.equal(records.length, 0)
  })

  it('a stream error becomes an ItemError and the summary keeps what was read', async () => {
    async function* failing() {
      yield Buffer.from(`${IIS_HEADER}${iisLine(1)}\n${iisLine(2)}\n`)
      yield Buffer.from('2023-01-06 10:00:0')
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })
    }
    const records: LogRecord[] = []
    const errors: ItemError[] = []
    const summary = await scanLog(Readable.from(failing()), 'x.log', {
      onRecord: (r) => records.push(r),
      onError: (e) => errors.push(e),
    })
    assert.deepEqual(
      errors.map((e) => e.code),
      ['EXH_ERR_FS_EIO'],
    )
    assert.equal(summary.records, 2)
    assert.equal(summary.newest, '2023-01-06T10:00:02Z')
  })

  it('LF-only, empty and header-only files', async () => {
    assert.equal((await scanBytes(Buffer.alloc(0))).summary.lines, 0)
    const { summary, records } = await scanBytes(Buffer.from(IIS_HEADER.replaceAll('\r\n', '\n')))
    assert.equal(summary.lines, 4)
    assert.equal(summary.logType, 'iis')
    assert.equal(records.length, 0)
  })
})
