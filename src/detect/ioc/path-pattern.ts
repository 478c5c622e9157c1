// Folder descriptions from SCS-Labs' `webshell_paths` list ("\<exchange install path>\FrontEnd\HttpProxy\
// owa\auth\ (any file besides ...)") turned into RE2 path tests over Windows paths. Only .aspx files are
// reported: those folders hold ordinary Exchange files too, and a folder alone is weak evidence.
import RE2 from 're2'

export interface PathPattern {
  re: RE2
  /** The RE2 pattern text (case-insensitive), for one RE2.Set over every pattern. */
  source: string
  exclude: ReadonlySet<string>
}

const ESCAPE = /[.*+?^${}()|[\]\\]/g
const ANY_ASPX_DEEP = '(?:[^\\\\]+\\\\)*[^\\\\]+\\.aspx$'
const ANY_ASPX_HERE = '[^\\\\]+\\.aspx$'

function placeholder(name: string): string | null {
  const n = name.toLowerCase()
  if (n.includes('install path')) return '.*'
  if (n.includes('version number')) return '[0-9][0-9.]*'
  if (n.includes('aspx')) return ANY_ASPX_DEEP
  return null
}

/** Compile a folder description; null when it has no usable path. */
/**
 * `knownGood`: file names Exchange ships in owa\auth and ecp\auth (content/ioc/exchange-known-good.csv),
 * never reported by a folder pattern over those folders.
 */
export function compilePathPattern(
  value: string,
  knownGood: ReadonlySet<string> = new Set(),
): PathPattern | null {
  const m = /^(.*?)\s*\((.*)\)\s*$/.exec(value.trim())
  let body = (m ? m[1] : value.trim()) as string
  const desc = (m ? m[2] : '') as string
  body = body.replace(/%programfiles%/i, 'C:\\Program Files').replace(/^[a-z]:(?=\\)/i, '')
  if (!body.includes('\\')) return null
  let re = ''
  let endsWithFile = false
  for (const part of body.split(/(<[^>]*>)/)) {
    if (part === '') continue
    if (part.startsWith('<')) {
      const p = placeholder(part)
      if (p === null) return null
      re += p
      endsWithFile = p === ANY_ASPX_DEEP
    } else {
      re += part.replace(ESCAPE, '\\$&')
      endsWithFile = false
    }
  }
  if (!endsWithFile) {
    if (!body.endsWith('\\')) re += '\\\\'
    re += /sub ?folders/i.test(desc) ? ANY_ASPX_DEEP : ANY_ASPX_HERE
  }
  const exclude = new Set<string>()
  if (/\\(owa|ecp)\\auth\\/i.test(body)) for (const f of knownGood) exclude.add(f)
  const besides = /besides\s+(\S+)/i.exec(desc)
  if (besides) exclude.add((besides[1] as string).toLowerCase())
  try {
    return { re: new RE2(re, 'i'), source: re, exclude }
  } catch {
    return null
  }
}
