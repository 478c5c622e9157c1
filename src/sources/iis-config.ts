// Pure parse of IIS applicationHost.config (%windir%\System32\inetsrv\config): sites, virtual
// directories, log directories and handler mappings. Element names follow the IIS configuration
// reference (learn.microsoft.com/iis/configuration/system.applicationhost/sites). A tolerant tag
// scanner, not a validating XML parser: a damaged file still yields what it can, plus `errors`. Attribute
// values are decoded (`&#80;rogramData` is ProgramData) and comments/CDATA skipped as IIS's reader does.
import { decodeXmlText, stripXmlNonMarkup } from '../shared/xml-text.ts'

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

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g

function attrs(src: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of src.matchAll(ATTR)) out[m[1]!] = decodeXmlText(m[2] ?? m[3] ?? '')
  return out
}

interface Frame {
  name: string
  attrs: Record<string, string>
}

export function parseApplicationHost(xml: string): ApplicationHost {
  const result: ApplicationHost = { sites: [], handlers: [], errors: [] }
  const text = stripXmlNonMarkup(xml)
  const stack: Frame[] = []
  let site: IisSite | undefined
  let app: IisApp | undefined
  let defaultLogDir: string | undefined
  const within = (name: string) => stack.some((f) => f.name === name)
  for (const m of text.matchAll(TAG)) {
    const [, close, name, attrSrc, selfClose] = m
    if (close) {
      const i = stack.map((f) => f.name).lastIndexOf(name!)
      if (i < 0) {
        result.errors.push(`unexpected </${name}>`)
        continue
      }
      if (i !== stack.length - 1)
        result.errors.push(`<${stack[stack.length - 1]!.name}> not closed before </${name}>`)
      stack.length = i
      if (name === 'site') site = undefined
      if (name === 'application') app = undefined
      continue
    }
    const a = attrs(attrSrc ?? '')
    const inSites = within('sites')
    if (name === 'site' && inSites) {
      site = { name: a.name ?? '', id: a.id ?? '', apps: [] }
      result.sites.push(site)
    } else if (name === 'application' && site) {
      app = { path: a.path ?? '/', vdirs: [] }
      site.apps.push(app)
    } else if (name === 'virtualDirectory' && app) {
      app.vdirs.push({ path: a.path ?? '/', physicalPath: a.physicalPath ?? '' })
    } else if (name === 'logFile' && a.directory !== undefined) {
      if (site) site.logDirectory = a.directory
      else if (within('siteDefaults')) defaultLogDir = a.directory
    } else if (name === 'add' && stack[stack.length - 1]?.name === 'handlers') {
      const loc = [...stack].reverse().find((f) => f.name === 'location')
      const h: IisHandler = { name: a.name ?? '', path: a.path ?? '' }
      for (const k of ['verb', 'type', 'modules', 'scriptProcessor'] as const)
        if (a[k] !== undefined) h[k] = a[k]
      if (loc?.attrs.path !== undefined) h.location = loc.attrs.path
      result.handlers.push(h)
    }
    if (!selfClose) stack.push({ name: name!, attrs: a })
  }
  if (stack.length)
    result.errors.push(`unclosed elements at end of file: ${stack.map((f) => f.name).join(' > ')}`)
  if (defaultLogDir !== undefined) for (const s of result.sites) s.logDirectory ??= defaultLogDir
  return result
}
