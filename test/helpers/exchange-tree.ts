// Builds a stock Exchange server's drive in a temp folder at test time: the real IIS configuration of an
// Exchange server (microsoft/CSS-Exchange HealthChecker test data, read in place from the corpus or any
// folder of the same layout) copied to the places IIS reads it from, plus ordinary sites under
// inetpub\wwwroot. Nothing here is committed data: the files are copied from where they lie.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { corpusPath } from './corpus.ts'

/** The e16 configuration in the corpus: applicationHost.config and every `<Site>-<Vdir>_web.config`. */
export const E16_IIS = corpusPath(
  'webshells',
  'benign',
  'exchange-iis-config-e16_CSS-Exchange',
  'Diagnostics',
  'HealthChecker',
  'Tests',
  'DataCollection',
  'E16',
  'Exchange',
  'IIS',
)

export const V15 = 'Program Files/Microsoft/Exchange Server/V15'

// Where each dumped web.config lives, as the physicalPath of its application in the same server's
// applicationHost.config says (Default Web Site → FrontEnd\HttpProxy, Exchange Back End → ClientAccess;
// the back end's /Rpc is %windir%\System32\RpcProxy). `{x}` is the Exchange install folder.
const WEB_CONFIG_HOMES: Record<string, string> = {
  DefaultWebSite: 'inetpub/wwwroot',
  'DefaultWebSite-AutoD': '{x}/FrontEnd/HttpProxy/Autodiscover',
  'DefaultWebSite-EAS': '{x}/FrontEnd/HttpProxy/sync',
  'DefaultWebSite-ECP': '{x}/FrontEnd/HttpProxy/ecp',
  'DefaultWebSite-EWS': '{x}/FrontEnd/HttpProxy/EWS',
  'DefaultWebSite-MAPI': '{x}/FrontEnd/HttpProxy/mapi',
  'DefaultWebSite-OAB': '{x}/FrontEnd/HttpProxy/OAB',
  'DefaultWebSite-OWA': '{x}/FrontEnd/HttpProxy/owa',
  'DefaultWebSite-PowerShell': '{x}/FrontEnd/HttpProxy/PowerShell',
  'DefaultWebSite-RPC': '{x}/FrontEnd/HttpProxy/rpc',
  'DefaultWebSite-Rest': '{x}/FrontEnd/HttpProxy/Rest',
  'ExchangeBackEnd-AutoD': '{x}/ClientAccess/Autodiscover',
  'ExchangeBackEnd-EAS': '{x}/ClientAccess/sync',
  'ExchangeBackEnd-ECP': '{x}/ClientAccess/ecp',
  'ExchangeBackEnd-EWS': '{x}/ClientAccess/exchweb/EWS',
  'ExchangeBackEnd-MapiEmsmdb': '{x}/ClientAccess/mapi/emsmdb',
  'ExchangeBackEnd-MapiNspi': '{x}/ClientAccess/mapi/nspi',
  'ExchangeBackEnd-OAB': '{x}/ClientAccess/OAB',
  'ExchangeBackEnd-OWA': '{x}/ClientAccess/owa',
  'ExchangeBackEnd-PowerShell': '{x}/ClientAccess/PowerShell-Proxy',
  'ExchangeBackEnd-Push': '{x}/ClientAccess/PushNotifications',
  'ExchangeBackEnd-Rest': '{x}/ClientAccess/rest',
  'ExchangeBackEnd-Rpc': 'Windows/System32/RpcProxy',
}

export interface ExchangeTreeOptions {
  /** Folder of `applicationHost.config` and `<Site>-<Vdir>_web.config` files (default: the corpus e16). */
  iisDir?: string
  /** Exchange install folder below the drive root (default `Program Files/Microsoft/Exchange Server/V15`). */
  install?: string
  /** Rewrites the configuration text before it is written (other install paths, spellings). */
  rewrite?: (text: string, file: string) => string
  /** Ordinary sites placed as `inetpub/wwwroot/<name>`: name → folder copied there. */
  sites?: Record<string, string>
}

/** Each config file of `iisDir` and where it lives below the drive root (forward slashes). */
export function exchangeConfigFiles(
  iisDir = E16_IIS,
  install = V15,
): { src: string; rel: string }[] {
  const out = [
    {
      src: join(iisDir, 'applicationHost.config'),
      rel: 'Windows/System32/inetsrv/config/applicationHost.config',
    },
  ]
  // Dumps differ in case between versions (E16 `ExchangeBackEnd-Rpc`, E19 `ExchangeBackEnd-RPC`).
  const present = new Map(readdirSync(iisDir).map((n) => [n.toLowerCase(), n]))
  for (const [name, home] of Object.entries(WEB_CONFIG_HOMES)) {
    const file = present.get(`${name}_web.config`.toLowerCase())
    if (file)
      out.push({ src: join(iisDir, file), rel: `${home.replace('{x}', install)}/web.config` })
  }
  return out
}

/** Writes the drive under `<root>/C` and returns that folder (what a responder mounts and hunts). */
export function buildExchangeDrive(root: string, o: ExchangeTreeOptions = {}): string {
  const drive = join(root, 'C')
  const install = o.install ?? V15
  for (const { src, rel } of exchangeConfigFiles(o.iisDir, install)) {
    const dest = join(drive, rel)
    mkdirSync(dirname(dest), { recursive: true })
    const text = readFileSync(src, 'utf8')
    writeFileSync(dest, o.rewrite ? o.rewrite(text, rel) : text)
  }
  // The folders every Exchange install has, so discovery sees an install even without logs.
  for (const dir of ['Bin', 'Logging/HttpProxy/Owa', 'FrontEnd/HttpProxy/owa/auth'])
    mkdirSync(join(drive, install, dir), { recursive: true })
  for (const [name, src] of Object.entries(o.sites ?? {}))
    cpSync(src, join(drive, 'inetpub', 'wwwroot', name), { recursive: true })
  return drive
}
