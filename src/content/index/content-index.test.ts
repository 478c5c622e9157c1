import assert from 'node:assert/strict'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { tmpDir } from '../../../test/helpers/tmp.ts'
import { loadNativeRules } from '../rules/load.ts'
import { filterIndex, normaliseCve } from './content-index.ts'
import { loadContentIndex, ruleText } from './load-index.ts'

const CONTENT = join(REPO_ROOT, 'content')
const { index } = loadContentIndex(CONTENT)

describe('content index of the shipped content', () => {
  test('every entry has the one header: id, engine, title, level, proves, file, author, licence', () => {
    for (const e of index.entries) {
      for (const k of [
        'id',
        'engine',
        'title',
        'level',
        'proves',
        'file',
        'author',
        'license',
      ] as const)
        assert.ok(e[k], `${e.id || '?'} has no ${k}`)
    }
    const ids = index.entries.map((e) => e.id)
    assert.equal(new Set(ids).size, ids.length, 'ids are unique across engines')
  })

  test('every native rule the hunt loads is indexed, with its file and its classification CVEs', () => {
    const ids = new Set(index.entries.filter((e) => e.engine === 'native').map((e) => e.id))
    for (const r of loadNativeRules(CONTENT).rules) assert.ok(ids.has(r.id), r.id)
    const e = index.entries.find((x) => x.id === 'exh-ecp-proxylogon-set-vdir-script')
    assert.deepEqual(e?.cves, ['CVE-2021-27065'])
    assert.equal(e?.file, 'rules/native/ecp/exh-ecp-proxylogon-set-vdir-script.yml')
    assert.ok((e?.tests.positive ?? 0) > 0)
  })

  test('--cve keeps entries that name the CVE, across engines', () => {
    const hits = filterIndex(index, { cve: 'CVE-2021-27065' })
    assert.ok(hits.some((e) => e.id === 'exh-ecp-proxylogon-set-vdir-script'))
    assert.ok(hits.some((e) => e.engine === 'yara'))
    for (const e of hits) assert.ok(e.cves.includes('CVE-2021-27065'), e.id)
  })

  test('vendored YARA rules keep their attribution: upstream file at the commit and licence', () => {
    const e = index.entries.find((x) => x.id === 'WEBSHELL_CVE_2021_27065_Webshells')
    assert.equal(e?.engine, 'yara')
    assert.match(e?.license ?? '', /^DRL-1\.1/)
    assert.match(
      e?.url ?? '',
      /^https:\/\/github\.com\/Neo23x0\/signature-base\/blob\/[0-9a-f]{40}\//,
    )
    assert.match(e?.author ?? '', /MSTIC/)
    const text = e ? ruleText(CONTENT, e) : ''
    assert.match(text, /^rule WEBSHELL_CVE_2021_27065_Webshells \{/)
    assert.match(text, /\n\}$/)
  })

  test('IOCs are indexed one entry per type, never the allowlist of names Exchange ships', () => {
    const iocs = filterIndex(index, { engine: 'ioc' })
    assert.ok(iocs.some((e) => e.id === 'ioc-sha256' && e.proves === 'compromise'))
    assert.ok(!iocs.some((e) => e.id === 'ioc-known_good_name'))
  })

  test('normaliseCve', () => {
    assert.equal(normaliseCve(' cve-2021-27065 '), 'CVE-2021-27065')
    assert.equal(normaliseCve('2021-27065'), null)
  })
})

describe('content index of a copy with a broken rule', () => {
  test('a rule its loader drops is not indexed', () => {
    const root = join(tmpDir('exhunt-index-'), 'content')
    cpSync(CONTENT, root, { recursive: true })
    const rel = 'rules/native/ecp/exh-ecp-proxylogon-set-vdir-script.yml'
    const text = readFileSync(join(root, rel), 'utf8')
    writeFileSync(join(root, rel), text.replace(/^level: \w+$/m, 'level: severe'))
    const broken = loadContentIndex(root).index
    assert.ok(!broken.entries.some((e) => e.id === 'exh-ecp-proxylogon-set-vdir-script'))
    assert.ok(broken.entries.some((e) => e.id === 'exh-cmdlet-set-vdir-script'))
  })
})
