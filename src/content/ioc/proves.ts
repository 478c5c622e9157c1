// What a matching indicator proves on its own, by indicator type (content/ioc/proves.yml): a known-bad
// file hash is the file on the server; an IP or user agent in a log line is who knocked, not what they
// got. Shipped and --ioc feeds use the same table. Every type must be declared.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { IOC_TYPES, type IocType } from '../../detect/ioc/types.ts'
import { provesField } from '../../shared/proves.ts'
import type { Proof } from '../../shared/types.ts'
import type { ContentIssue } from '../issues.ts'

export const IOC_PROVES_FILE = 'ioc/proves.yml'

export type IocProves = ReadonlyMap<IocType, Proof>

/** `file`: the proves.yml to read; `display`: its name in issues. */
export function readIocProves(
  file: string,
  display: string,
  issues: ContentIssue[],
): Map<IocType, Proof> {
  const out = new Map<IocType, Proof>()
  let doc: unknown
  try {
    doc = parse(readFileSync(file, 'utf8'))
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT'
    issues.push({
      file: display,
      path: '',
      severity: 'error',
      message: missing
        ? `missing: declare what each indicator type proves (${IOC_TYPES.join(', ')})`
        : (e as Error).message,
    })
    return out
  }
  const types = (doc as { types?: unknown } | null)?.types
  if (!types || typeof types !== 'object' || Array.isArray(types)) {
    issues.push({
      file: display,
      path: 'types',
      severity: 'error',
      message: 'types: a mapping of indicator type -> proves',
    })
    return out
  }
  const t = types as Record<string, unknown>
  for (const k of Object.keys(t)) {
    if (!(IOC_TYPES as readonly string[]).includes(k))
      issues.push({
        file: display,
        path: `types.${k}`,
        severity: 'error',
        message: `unknown indicator type (${IOC_TYPES.join(', ')})`,
      })
  }
  for (const type of IOC_TYPES) {
    const p = provesField(t[type], (path, message) =>
      issues.push({
        file: display,
        path: `types.${type}`,
        severity: 'error',
        message: `${path} of ${type} indicators: ${message}`,
      }),
    )
    if (p) out.set(type, p)
  }
  return out
}

export function loadIocProves(contentRoot: string): { proves: IocProves; issues: ContentIssue[] } {
  const issues: ContentIssue[] = []
  const proves = readIocProves(join(contentRoot, IOC_PROVES_FILE), IOC_PROVES_FILE, issues)
  return { proves, issues }
}
