// Where a compiled ASP.NET page was served from. Temporary ASP.NET Files keeps one folder per IIS
// application (`root` for the site root, else the application's name: `owa`, `ecp`, ...), and the page
// class names its path relative to that application (`~/auth/errorFF.aspx`); a `.compiled` record gives
// the full virtual path (`virtualPath="/owa/auth/errorFF.aspx"`). The URL path is what the logs show.

const TEMP_ASPNET = /\/temporary asp\.net files\/([^/]+)\//i

/** URL paths of the pages behind a compiled file, from its `~/` paths or its `.compiled` record text. */
export function compiledPageUrls(
  filePath: string,
  appRelative: readonly string[],
  recordText?: string,
): string[] {
  const urls = new Set<string>()
  const app = TEMP_ASPNET.exec(filePath.replace(/\\/g, '/'))?.[1]
  if (app) {
    const prefix = app.toLowerCase() === 'root' ? '' : `/${app}`
    for (const p of appRelative) if (p.startsWith('~/')) urls.add(`${prefix}${p.slice(1)}`)
  }
  if (recordText) {
    const m = /\bvirtualPath\s*=\s*"(\/[^"<>]{1,400})"/i.exec(recordText)
    if (m?.[1]) urls.add(m[1])
  }
  return [...urls]
}
