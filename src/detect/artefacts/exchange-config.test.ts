// Stock Exchange IIS configuration is never a finding of medium or above, whatever the version, install
// folder and spelling; the same files with a planted module or handler are. Real e16 files from the corpus
// (each at the path IIS reads it from), variants rewritten from them, and test/fixtures/exchange-iis.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { corpusSkip, REPO_ROOT } from '../../../test/helpers/corpus.ts'
import { E16_IIS, exchangeConfigFiles } from '../../../test/helpers/exchange-tree.ts'
import { compileArtefactRuleTexts } from '../../content/artefacts/load-artefact-rules.ts'
import { severityRank } from '../../shared/types.ts'
import type { CompiledArtefactRule } from './artefact-rule.ts'
import { artefactHits } from './evaluate.ts'

const DIR = join(REPO_ROOT, 'content', 'rules', 'artefacts')
const { rules } = compileArtefactRuleTexts(
  readdirSync(DIR)
    .filter((n) => n.endsWith('.yml'))
    .map((n) => ({ file: `rules/artefacts/${n}`, text: readFileSync(join(DIR, n), 'utf8') })),
)
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'exchange-iis')

/** Rules of medium or above that fire on the config `text` lying at `windowsPath`. */
function alarms(windowsPath: string, text: string): string[] {
  const name = windowsPath.slice(windowsPath.lastIndexOf('\\') + 1)
  const hits = artefactHits(rules, 'config', {
    path: windowsPath,
    windowsPath,
    name,
    size: 0,
    text,
  })
  return hits
    .filter((h: CompiledArtefactRule) => severityRank(h.level) >= severityRank('medium'))
    .map((h) => h.id)
}

const win = (drive: string, rel: string) => `${drive}:\\${rel.replace(/\//g, '\\')}`

// Spellings IIS accepts for the same paths. Each rewrites the install folder or the Windows folder.
const VARIANTS: Record<
  string,
  { install: string; drive?: string; rewrite: (t: string) => string }
> = {
  'as dumped': { install: 'Program Files/Microsoft/Exchange Server/V15', rewrite: (t) => t },
  'installed in D:\\Exchange Server\\V15': {
    install: 'Exchange Server/V15',
    drive: 'D',
    rewrite: (t) =>
      t.replaceAll('C:\\Program Files\\Microsoft\\Exchange Server', 'D:\\Exchange Server'),
  },
  'installed in E:\\Apps\\Microsoft\\V15 with Windows on E:': {
    install: 'Apps/Microsoft/V15',
    drive: 'E',
    rewrite: (t) =>
      t
        .replaceAll('C:\\Program Files\\Microsoft\\Exchange Server', 'E:\\Apps\\Microsoft')
        .replaceAll('C:\\Windows', 'E:\\Windows'),
  },
  'environment variables swapped, upper case': {
    install: 'Program Files/Microsoft/Exchange Server/V15',
    rewrite: (t) =>
      t
        .replace(/%windir%/gi, '%SYSTEMROOT%')
        .replaceAll('C:\\Windows\\system32', 'C:\\WINDOWS\\SYSTEM32')
        .replaceAll(
          'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\',
          '%ExchangeInstallPath%',
        ),
  },
  'forward slashes in paths': {
    install: 'Program Files/Microsoft/Exchange Server/V15',
    rewrite: (t) =>
      t.replace(
        /(image|scriptProcessor)="([^"]*)"/g,
        (_, k, v: string) => `${k}="${v.replace(/\\/g, '/')}"`,
      ),
  },
  'numeric character references in paths and types': {
    install: 'Program Files/Microsoft/Exchange Server/V15',
    rewrite: (t) =>
      t.replace(/(image|scriptProcessor|type)="([^"]*)"/g, (_, k, v: string) => {
        const enc = v.replace(/[%PMW\\]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/i/g, '&#x69;')
        return `${k}="${enc}"`
      }),
  },
}

describe('stock Exchange 2016 IIS configuration (CSS-Exchange e16), every spelling', {
  skip: corpusSkip,
}, () => {
  for (const [label, v] of Object.entries(VARIANTS)) {
    test(`no alarm: ${label}`, () => {
      const files = exchangeConfigFiles(E16_IIS, v.install)
      assert.ok(
        files.length >= 20,
        `expected the applicationHost and the web.configs, got ${files.length}`,
      )
      const found = files.flatMap(({ src, rel }) => {
        const at = win(
          rel.startsWith('Windows/') || rel.startsWith('inetpub/') ? 'C' : (v.drive ?? 'C'),
          rel,
        )
        return alarms(at, v.rewrite(readFileSync(src, 'utf8'))).map((id) => `${id} ${at}`)
      })
      assert.deepEqual(found, [])
    })
  }
})

describe('Exchange 2019 and SE module sets, other install folders (fixtures)', () => {
  const apphost = 'C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config'
  const rpc = 'C:\\Windows\\System32\\RpcProxy\\web.config'
  const fixture = (n: string) => readFileSync(join(FIXTURES, n), 'utf8')

  test('no alarm on the stock module sets and the RPC proxy web.config', () => {
    assert.deepEqual(alarms(apphost, fixture('se-globalModules.config')), [])
    assert.deepEqual(alarms(apphost, fixture('e19-d-drive-globalModules.config')), [])
    assert.deepEqual(alarms(rpc, fixture('e19-d-drive-rpc-web.config')), [])
  })

  test('a module planted among them is found, however it is spelt', () => {
    const plant = (xml: string, add: string) =>
      xml.replace('</globalModules>', `${add}</globalModules>`)
    const se = fixture('se-globalModules.config')
    assert.deepEqual(alarms(apphost, plant(se, '<add name="m" image="D:\\tools\\m.dll" />')), [
      'exh-art-apphost-native-module-unusual',
    ])
    for (const image of [
      'C:\\ProgramData\\m.dll',
      '&#67;:\\&#80;rogramData\\m.dll',
      '%ProgramData%\\m.dll',
      'C:/ProgramData/m.dll',
      '\\\\?\\C:\\Windows\\System32\\inetsrv\\..\\..\\..\\ProgramData\\m.dll',
    ]) {
      const ids = alarms(apphost, plant(se, `<add name="m" image="${image}" />`))
      assert.ok(ids.includes('exh-art-apphost-native-module-staging'), `${image}: ${ids}`)
    }
    // A DLL named like Exchange's but outside the install's module folders.
    const fake =
      '<add name="k" image="C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Logging\\kerbauth.dll" />'
    assert.deepEqual(alarms(apphost, plant(se, fake)), ['exh-art-apphost-native-module-unusual'])
  })

  test('the RPC proxy exemption covers only its own folder and its own ISAPI DLL', () => {
    const text = fixture('e19-d-drive-rpc-web.config')
    assert.deepEqual(
      alarms(
        'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\FrontEnd\\HttpProxy\\rpc\\web.config',
        text,
      ),
      ['exh-art-webconfig-execute-handler'],
    )
    const shim = text.replace(
      'C:\\WINDOWS\\system32\\RpcProxy\\RpcProxyShim.dll',
      'C:\\Windows\\Temp\\shim.dll',
    )
    assert.deepEqual(alarms(rpc, shim), ['exh-art-webconfig-execute-handler'])
    const typed = text.replace('&#77;icrosoft.Exchange.RpcHttpModules', 'Contoso.RpcHttpModules')
    assert.deepEqual(alarms(rpc, typed), ['exh-art-webconfig-unknown-managed-type'])
  })
})

describe('a planted module in the real e16 web.configs is still found', {
  skip: corpusSkip,
}, () => {
  test('unknown managed type in every front-end and back-end web.config', () => {
    const evil = '<add name="IISLogger" type="IIS.Logger.Module, IISLogger" />'
    const files = exchangeConfigFiles(E16_IIS).filter(
      (f) => f.rel.endsWith('web.config') && !f.rel.startsWith('inetpub/'),
    )
    for (const { src, rel } of files) {
      const text = readFileSync(src, 'utf8')
      if (!/<modules[^>]*>/.test(text)) continue
      const planted = text.replace(/<modules([^>]*)>/, `<modules$1>${evil}`)
      assert.ok(
        alarms(win('C', rel), planted).includes('exh-art-webconfig-unknown-managed-type'),
        rel,
      )
    }
  })
})
