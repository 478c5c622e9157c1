// Where a file would be served from. Exchange's front end serves FrontEnd\HttpProxy\<vdir> on the Default
// Web Site (443) and ClientAccess\<vdir> on the Exchange Back End site (444), both at /<vdir>/...; IIS
// serves inetpub\wwwroot at / (aspnet_client is where HAFNIUM dropped shells: Microsoft, 2021-03-02,
// "HAFNIUM targeting Exchange Servers with 0-day exploits").

export type WebRoot = 'frontend' | 'clientaccess' | 'wwwroot'

export interface WebLocation {
  root: WebRoot
  /** URL path the file answers at, original case kept: `/owa/auth/x.aspx`. */
  urlPath: string
  /** true under an Exchange tree (FrontEnd/HttpProxy or ClientAccess). */
  exchange: boolean
  /** Lowercased path from the role folder on (`frontend/httpproxy/owa/auth/x.aspx`): baseline key. */
  key?: string
}

const ROOTS: { root: WebRoot; marker: string; key: boolean }[] = [
  { root: 'frontend', marker: '/frontend/httpproxy/', key: true },
  { root: 'clientaccess', marker: '/clientaccess/', key: true },
  { root: 'wwwroot', marker: '/inetpub/wwwroot/', key: false },
]

export function webLocation(path: string): WebLocation | undefined {
  const p = `/${path.replace(/\\/g, '/').replace(/^\/+/, '')}`
  const lower = p.toLowerCase()
  for (const r of ROOTS) {
    const at = lower.lastIndexOf(r.marker)
    if (at < 0) continue
    const rest = p.slice(at + r.marker.length)
    if (!rest) continue
    const loc: WebLocation = { root: r.root, urlPath: `/${rest}`, exchange: r.root !== 'wwwroot' }
    if (r.key) loc.key = lower.slice(at + 1)
    return loc
  }
  return undefined
}

/** Both views a file may be known by: the layout's Windows path first, then the display path. */
export function locate(path: string, windowsPath?: string): WebLocation | undefined {
  return (windowsPath ? webLocation(windowsPath) : undefined) ?? webLocation(path)
}
