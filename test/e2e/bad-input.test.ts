// Bad input next to real attack lines: every broken item becomes one errors[] entry with its
// EXH_ERR_ code, the hunt goes on, and nothing already found is lost (issue 3 §6).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { before, describe, it } from 'node:test'
import { deflateRawSync } from 'node:zlib'
import type { HuntReport, ItemError } from '../../src/shared/types.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { makeZip } from '../helpers/zip-writer.ts'
import { brief, DEMO, type HuntRun, huntJson } from './cli.ts'

const W3SVC1 = 'C/inetpub/logs/LogFiles/W3SVC1'
const DEMO_IIS = join(DEMO, W3SVC1)
const PROXY = 'C/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy'
// Root reads a chmod 000 file, so as root (CI) the unreadable item is a FIFO instead: never opened,
// still one error. Read failures after discovery, as root: src/hunt/read-fails-after-discovery.test.ts.
const isRoot = process.getuid?.() === 0
const UNREADABLE_CODE = isRoot ? 'EXH_ERR_NOT_REGULAR' : 'EXH_ERR_FS_EACCES'

function put(root: string, rel: string, data: string | Buffer): string {
  const p = join(root, rel)
  mkdirSync(dirname(p), { recursive: true })
  writeFileSync(p, data)
  return p
}

/** Web-shell use findings (the demo's antSword requests) keyed by file:line. */
function shellUse(r: HuntReport): Set<string> {
  return new Set(
    r.findings
      .filter((f) => f.category === 'webshell' && f.source.line !== undefined)
      .map((f) => `${f.source.path.replace(/^.*?\.zip!/, '')}:${f.source.line}:${f.rule}`),
  )
}

function errorFor(r: HuntReport, pathEnd: string): ItemError[] {
  return r.errors.filter((e) => e.path.endsWith(pathEnd))
}

/** A directory: the demo's IIS logs with the attack, and every kind of broken item beside them. */
function brokenTree(): string {
  const root = tmpDir('exhunt-e2e-bad-')
  copyFileSync(join(DEMO_IIS, 'u_ex210303.log'), join(mkdirs(root, W3SVC1), 'u_ex210303.log'))
  // Truncated mid-line, as a copy taken while IIS was writing: the lines before the cut still count.
  const day4 = readFileSync(join(DEMO_IIS, 'u_ex210304.log'), 'latin1')
  const cut = day4.indexOf('\n', day4.indexOf('supp0rt.aspx')) + 40
  put(root, `${W3SVC1}/u_ex210304.log`, day4.slice(0, cut))
  const binary = Buffer.alloc(64 * 1024)
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 251 < 60 ? 0 : (i * 31) % 256
  put(root, `${W3SVC1}/u_ex210305.log`, binary)
  const header = day4.split('\n').slice(0, 4).join('\n')
  const ordinary = day4.split('\n')[5]
  put(
    root,
    `${W3SVC1}/u_ex210306.log`,
    Buffer.concat([
      Buffer.from(`${header}\n${ordinary}\n`),
      Buffer.alloc(256 * 1024),
      Buffer.from(`${ordinary}\n`),
    ]),
  )
  const proxyHeader = readFileSync(join(DEMO, `${PROXY}/Owa/HttpProxy_2021030306-1.LOG`), 'latin1')
    .split('\n')
    .slice(0, 5)
    .join('\n')
  put(
    root,
    `${PROXY}/Owa/HttpProxy_2021030706-1.LOG`,
    `${proxyHeader}\n2021-03-07T06:00:00.000Z,${'A'.repeat(40 * 1024 * 1024)}\n`,
  )
  symlinkSync('loop-b', join(root, W3SVC1, 'loop-a'))
  symlinkSync('loop-a', join(root, W3SVC1, 'loop-b'))
  symlinkSync('/nonexistent/exhunt/u_ex210308.log', join(root, W3SVC1, 'u_ex210308.log'))
  const unreadable = join(root, W3SVC1, 'u_ex210309.log')
  if (isRoot) execFileSync('mkfifo', [unreadable])
  else chmodSync(put(root, `${W3SVC1}/u_ex210309.log`, `${header}\n`), 0o000)
  return root
}

function mkdirs(root: string, rel: string): string {
  const p = join(root, rel)
  mkdirSync(p, { recursive: true })
  return p
}

/** A triage zip: the same attack log, a bomb entry (inflates past what it declares) and a traversal name. */
function brokenZip(): string {
  const big = Buffer.alloc(8 * 1024 * 1024, 0x41)
  const zip = makeZip([
    { name: `${W3SVC1}/u_ex210303.log`, data: readFileSync(join(DEMO_IIS, 'u_ex210303.log')) },
    {
      name: `${W3SVC1}/u_ex210310.log`,
      data: big,
      declaredSize: 1000,
      rawCompressed: deflateRawSync(big),
    },
    { name: '../../../Windows/Temp/evil.aspx', data: '<%@ Page Language="C#" %>' },
  ])
  return put(tmpDir('exhunt-e2e-badzip-'), 'EXCH01-triage.zip', zip)
}

describe('exhunt hunt with bad input beside real attack lines', () => {
  let dir: HuntRun
  let zip: HuntRun
  let reference: HuntRun
  before(async () => {
    const clean = tmpDir('exhunt-e2e-ref-')
    copyFileSync(join(DEMO_IIS, 'u_ex210303.log'), join(mkdirs(clean, W3SVC1), 'u_ex210303.log'))
    ;[dir, zip, reference] = await Promise.all([
      huntJson(brokenTree()),
      huntJson(brokenZip()),
      huntJson(clean),
    ])
  })

  it('exits 1 on the findings, not 2 on the errors', () => {
    assert.equal(dir.code, 1, dir.stderr)
    assert.equal(zip.code, 1, zip.stderr)
    assert.equal(dir.report.verdict, 'compromised', brief(dir.report))
    assert.equal(zip.report.verdict, 'compromised', brief(zip.report))
  })

  it('loses none of the web-shell use found in the intact log', () => {
    const want = shellUse(reference.report)
    assert.ok(want.size > 0)
    for (const k of want) assert.ok(shellUse(dir.report).has(k), `lost ${k}`)
    for (const k of want) assert.ok(shellUse(zip.report).has(k), `lost ${k} (zip)`)
  })

  it('keeps the findings before the cut of a truncated log', () => {
    const day4 = [...shellUse(dir.report)].filter((k) => k.includes('u_ex210304.log'))
    assert.ok(day4.length > 0, brief(dir.report))
  })

  it('has one error per bad item with the right code', () => {
    const r = dir.report
    const codes = (end: string) => errorFor(r, end).map((e) => e.code)
    assert.deepEqual(codes('u_ex210305.log'), ['EXH_ERR_LOG_BINARY'], JSON.stringify(r.errors))
    assert.deepEqual(codes('u_ex210306.log'), ['EXH_ERR_LOG_NUL_BYTES'], JSON.stringify(r.errors))
    assert.deepEqual(codes('HttpProxy_2021030706-1.LOG'), ['EXH_ERR_LOG_LINE_TOO_LONG'])
    assert.deepEqual(codes('u_ex210308.log'), ['EXH_ERR_DANGLING_LINK'])
    const loop = [...codes('loop-a'), ...codes('loop-b')]
    assert.ok(loop.length >= 1 && loop.every((c) => c === 'EXH_ERR_SYMLINK_LOOP'), loop.join())
    assert.deepEqual(codes('u_ex210309.log'), [UNREADABLE_CODE], JSON.stringify(r.errors))
    for (const e of r.errors) {
      assert.match(e.code, /^EXH_ERR_[A-Z0-9_]+$/)
      assert.ok(e.message.length > 0)
    }
  })

  it('names the zip bomb and the traversal entry inside the triage zip', () => {
    const r = zip.report
    const bomb = errorFor(r, 'u_ex210310.log')
    assert.equal(bomb.length, 1, JSON.stringify(r.errors))
    assert.equal(bomb[0]!.code, 'EXH_ERR_ZIP_BOMB')
    const trav = r.errors.filter((e) => e.path.includes('evil.aspx'))
    assert.equal(trav.length, 1, JSON.stringify(r.errors))
    assert.equal(trav[0]!.code, 'EXH_ERR_ZIP_TRAVERSAL')
    assert.ok(trav[0]!.path.startsWith('EXCH01-triage.zip!'))
    assert.ok(r.findings.every((f) => !f.source.path.includes('..')))
  })
})
