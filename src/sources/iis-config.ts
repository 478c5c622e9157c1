// Pure parse of IIS applicationHost.config (%windir%\System32\inetsrv\config): sites, virtual
// directories, log directories and handler mappings. Element names follow the IIS configuration
// reference (learn.microsoft.com/iis/configuration/system.applicationhost/sites). The XML is read by
// shared/xml.ts (from bytes: sources/xml/read.ts): attribute values decoded (`&#80;rogramData` is
// ProgramData), comments and CDATA skipped as IIS's reader does; a damaged file still yields what it
// can, plus `errors`.
import type { ItemError } from '../shared/types.ts'
import { parseXml, walkXml, type XmlDocument, type XmlElement } from '../shared/xml.ts'
import { readXml } from './xml/read.ts'

export interface IisVdir {
  path: string
  physicalPath: string
}
export interface IisApp {
  path: string
  vdirs: IisVdir[]
}
export interface IisSite {
  name: string
  id: string
  logDirectory?: string
  apps: IisApp[]
}
export interface IisHandler {
  name: string
  path: string
  verb?: string
  type?: string
  modules?: string
  scriptProcessor?: string
  /** `<location path="...">` the handler was declared under. */
  location?: string
}
export interface ApplicationHost {
  sites: IisSite[]
  handlers: IisHandler[]
  errors: string[]
}

/** The sites, vdirs, log folders and handlers of an applicationHost.config already read as XML. */
export function applicationHostFrom(doc: XmlDocument): ApplicationHost {
  const result: ApplicationHost = { sites: [], handlers: [], errors: [...doc.errors] }
  const sites = new Map<XmlElement, IisSite>()
  const apps = new Map<XmlElement, IisApp>()
  let defaultLogDir: string | undefined
  const nearest = <T>(ancestors: readonly XmlElement[], of: Map<XmlElement, T>): T | undefined => {
    for (let k = ancestors.length - 1; k >= 0; k--) {
      const found = of.get(ancestors[k]!)
      if (found) return found
    }
    return undefined
  }
  walkXml(doc.roots, (el, ancestors) => {
    const a = el.attrs
    const parent = ancestors[ancestors.length - 1]
    if (el.name === 'site' && ancestors.some((x) => x.name === 'sites')) {
      const site: IisSite = { name: a.name ?? '', id: a.id ?? '', apps: [] }
      sites.set(el, site)
      result.sites.push(site)
    } else if (el.name === 'application') {
      const site = nearest(ancestors, sites)
      if (!site) return
      const app: IisApp = { path: a.path ?? '/', vdirs: [] }
      apps.set(el, app)
      site.apps.push(app)
    } else if (el.name === 'virtualDirectory') {
      nearest(ancestors, apps)?.vdirs.push({
        path: a.path ?? '/',
        physicalPath: a.physicalPath ?? '',
      })
    } else if (el.name === 'logFile' && a.directory !== undefined) {
      const site = nearest(ancestors, sites)
      if (site) site.logDirectory = a.directory
      else if (ancestors.some((x) => x.name === 'siteDefaults')) defaultLogDir = a.directory
    } else if (el.name === 'add' && parent?.name === 'handlers') {
      const loc = [...ancestors].reverse().find((x) => x.name === 'location')
      const h: IisHandler = { name: a.name ?? '', path: a.path ?? '' }
      for (const k of ['verb', 'type', 'modules', 'scriptProcessor'] as const)
        if (a[k] !== undefined) h[k] = a[k]
      if (loc?.attrs.path !== undefined) h.location = loc.attrs.path
      result.handlers.push(h)
    }
  })
  if (defaultLogDir !== undefined) for (const s of result.sites) s.logDirectory ??= defaultLogDir
  return result
}

/** applicationHostFrom over text (tests, callers that already decoded it). */
export function parseApplicationHost(xml: string): ApplicationHost {
  return applicationHostFrom(parseXml(xml))
}

/** applicationHost.config bytes as discovery reads them (any encoding IIS accepts), with the problem
 * discovery reports: web roots and log folders the damaged part names may be missed. */
export function readApplicationHost(
  bytes: Uint8Array,
  path: string,
): { host: ApplicationHost; error?: ItemError } {
  const host = applicationHostFrom(readXml(bytes).doc)
  if (host.errors.length === 0) return { host }
  const message = `partly unreadable: ${host.errors.slice(0, 3).join('; ')}`
  return { host, error: { code: 'EXH_ERR_IIS_CONFIG', path, message } }
}
