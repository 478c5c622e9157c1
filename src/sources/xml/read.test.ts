// sources/xml/read.ts on real files: every IIS config of the corpus (a real Exchange 2016 server's
// applicationHost.config and web.config files, three ASP.NET applications, Mono's samples) and the fixtures
// read cleanly; a UTF-16LE task as Task Scheduler stores it, entity-obfuscated modules and CDATA commands
// read as IIS and Task Scheduler read them; hostile bytes give errors, never a throw.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { corpusPath, corpusSkip, REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { E16_IIS } from '../../../test/helpers/exchange-tree.ts'
import { configEntries } from '../../detect/artefacts/config-entries.ts'
import { taskCommands, taskUri } from '../../detect/artefacts/task-xml.ts'
import { applicationHostFrom } from '../iis-config.ts'
import { readXml } from './read.ts'

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures')
const fixture = (rel: string) => readFileSync(join(FIXTURES, rel))

function configsUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.config$/i.test(f))
    .map((f) => join(dir, f))
}

test('every .config of the benign corpus is well-formed XML to the reader', {
  skip: corpusSkip,
}, () => {
  const files = configsUnder(corpusPath('webshells', 'benign'))
  // 24 Exchange 2016 (CSS-Exchange), 12 mono-xsp, 74 N2CMS, 308 Orchard 1.x, 38 Subtext.
  assert.ok(files.length >= 456, `${files.length} configs`)
  const broken = files
    .map((f) => ({ f, errors: readXml(readFileSync(f)).doc.errors }))
    .filter((x) => x.errors.length > 0)
  assert.deepEqual(broken, [])
})

test('the real Exchange 2016 applicationHost.config: sites and vdirs as IIS reads them', {
  skip: corpusSkip,
}, () => {
  const file = join(E16_IIS, 'applicationHost.config')
  const read = readXml(readFileSync(file))
  const host = applicationHostFrom(read.doc)
  assert.deepEqual(host.errors, [])
  assert.deepEqual(
    host.sites.map((s) => s.name),
    ['Default Web Site', 'Exchange Back End'],
  )
  assert.ok(host.sites.every((s) => s.apps.length > 10))
  // The same bytes as UTF-16LE with a BOM and as BOM-less UTF-16BE: the same tree.
  const text = read.text
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
  const be = Buffer.from(text, 'utf16le').swap16()
  for (const [bytes, enc] of [
    [le, 'utf-16le'],
    [be, 'utf-16be'],
  ] as const) {
    const again = readXml(bytes)
    assert.equal(again.encoding, enc)
    assert.deepEqual(applicationHostFrom(again.doc), host)
  }
})

test('every config fixture reads cleanly', () => {
  const files = [
    ...configsUnder(join(FIXTURES, 'exchange-iis')),
    ...configsUnder(join(FIXTURES, 'artefacts')),
  ]
  assert.ok(files.length >= 8, `${files.length} fixtures`)
  for (const f of files) assert.deepEqual(readXml(readFileSync(f)).doc.errors, [], f)
})

describe('obfuscation read as the real readers read it', () => {
  test('a UTF-16LE task with CDATA and character references: commands, URI, no decoy', () => {
    const read = readXml(fixture('artefacts/task-cdata-utf16le.xml'))
    assert.equal(read.encoding, 'utf-16le')
    assert.deepEqual(read.doc.errors, [])
    assert.deepEqual(taskCommands(read.doc), [
      'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA',
      'C:\\ProgramData\\ms.exe',
    ])
    assert.equal(taskUri(read.doc), '\\Microsoft\\Windows\\Update\\Sync')
  })

  test('a web.config module spelt with references is decoded; comment and CDATA decoys are not', () => {
    const read = readXml(fixture('artefacts/web-config-module-entities.config'))
    assert.deepEqual(read.doc.errors, [])
    assert.deepEqual(configEntries(read.doc), [
      'module\tname=exchangeproxy\ttype=owl.proxy.module, owl\tprecondition=managedhandler',
      'module\tname=proxymodule\ttype=microsoft.exchange.httpproxy.proxymodule, microsoft.exchange.frontendhttpproxy',
      'access\tpolicy=read, script',
      'handler\tname=staticfile\tpath=*\tverb=*\tmodules=staticfilemodule',
    ])
  })

  test('a declared 8-bit encoding is honoured', () => {
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="windows-1252"?><a v="caf'),
      Buffer.from([0xe9]),
      Buffer.from('"/>'),
    ])
    const read = readXml(bytes)
    assert.equal(read.encoding, 'windows-1252')
    assert.deepEqual(read.doc.roots[0]!.attrs, { v: 'café' })
  })
})

describe('bad bytes give errors, never a throw', () => {
  const task = fixture('artefacts/task-cdata-utf16le.xml')
  const cases: [string, Uint8Array, RegExp][] = [
    // An odd cut: half a UTF-16 code unit at the end.
    ['a truncated UTF-16 task', task.subarray(0, 1001), /unclosed elements|not closed/],
    ['an empty file', new Uint8Array(0), /^no root element$/],
    ['a MiniDump', Buffer.from('4d444d5093a7000003000000200000000000000000000000', 'hex'), /NUL/],
    [
      'random bytes',
      Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 2654435761) >>> 24),
      /NUL|malformed|outside/,
    ],
    [
      'a UTF-8 file that says UTF-16',
      fixture('artefacts/task-comsvcs-minidump.xml'),
      /encoding "utf-16"/,
    ],
    ['an unknown encoding', Buffer.from('<?xml version="1.0" encoding="x-nope"?><a/>'), /x-nope/],
  ]
  for (const [name, bytes, want] of cases)
    test(name, () => {
      const read = readXml(bytes)
      assert.match(read.doc.errors.join('; '), want)
    })

  test('a truncated task still yields the actions read before the cut', () => {
    const text = readXml(task).text
    const cut = Buffer.from(`\uFEFF${text.slice(0, text.lastIndexOf('<Exec>'))}`, 'utf16le')
    const read = readXml(cut)
    assert.match(read.doc.errors.join(), /unclosed elements at end of file: Task > Actions/)
    assert.equal(taskCommands(read.doc).length, 1)
  })
})
