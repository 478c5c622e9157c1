// Compiles and evaluates the condition tree of an artefact rule. Leaves are cheap to test; derived views
// (location classes, task commands, config entries, the head as text) are computed once per item.
import type { ContentIssue } from '../../shared/content-issue.ts'
import { parseXml, type XmlDocument } from '../../shared/xml.ts'
import {
  type ArtefactCondition,
  type ArtefactInput,
  LOCATION_CLASSES,
  type LocationClass,
} from './artefact-rule.ts'
import { configEntries } from './config-entries.ts'
import { locationsOf, normalisePath } from './location.ts'
import { taskCommands } from './task-xml.ts'

type Raw = Record<string, unknown>

export function compileCondition(
  raw: unknown,
  file: string,
  where: string,
  issues: ContentIssue[],
): ArtefactCondition {
  const fail = (message: string): ArtefactCondition => {
    issues.push({ file, path: where, severity: 'error', message })
    return { any: [] }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return fail('a condition must be a mapping')
  const keys = Object.keys(raw as Raw)
  if (keys.length !== 1)
    return fail(`one operator per condition, found ${keys.join(', ') || 'none'}`)
  const key = keys[0]!
  const v = (raw as Raw)[key]
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : [x])
  const regex = (build: (re: RegExp) => ArtefactCondition): ArtefactCondition => {
    try {
      return build(new RegExp(String(v), 'i'))
    } catch (err) {
      return fail(`${key}: bad regex: ${(err as Error).message}`)
    }
  }
  switch (key) {
    case 'all':
    case 'any':
    case 'none': {
      if (!Array.isArray(v) || v.length === 0) return fail(`${key} needs a non-empty list`)
      const kids = v.map((c, i) => compileCondition(c, file, `${where}.${key}[${i}]`, issues))
      return key === 'all' ? { all: kids } : key === 'any' ? { any: kids } : { none: kids }
    }
    case 'location': {
      const names = list(v).map(String)
      const bad = names.filter((n) => !LOCATION_CLASSES.includes(n as LocationClass))
      if (bad.length)
        return fail(`unknown location ${bad.join(', ')}; one of ${LOCATION_CLASSES.join(', ')}`)
      return { location: new Set(names as LocationClass[]) }
    }
    case 'path-regex':
      return regex((re) => ({ path: re }))
    case 'name-regex':
      return regex((re) => ({ name: re }))
    case 'member-regex':
      return regex((re) => ({ member: re }))
    case 'text-regex':
      return regex((re) => ({ text: re }))
    case 'command-regex':
      return regex((re) => ({ command: re }))
    case 'entry-regex':
      return regex((re) => ({ entry: re }))
    case 'ext':
      return { ext: new Set(list(v).map((s) => String(s).toLowerCase().replace(/^\./, ''))) }
    case 'head-hex': {
      const heads = list(v).map((h) => String(h).replace(/\s+/g, ''))
      if (heads.some((h) => !/^([0-9a-f]{2})+$/i.test(h)))
        return fail('head-hex wants hex byte strings')
      return { head: heads.map((h) => Uint8Array.from(Buffer.from(h, 'hex'))) }
    }
    case 'head-contains':
      return { headContains: list(v).map((s) => String(s).toLowerCase()) }
    case 'min-size':
    case 'max-size':
      if (typeof v !== 'number') return fail(`${key} wants a number of bytes`)
      return key === 'min-size' ? { minSize: v } : { maxSize: v }
    default:
      return fail(`unknown operator ${key}`)
  }
}

/** Views of one item, computed on first use. */
export class ItemView {
  readonly input: ArtefactInput
  #loc?: Set<LocationClass>
  #path?: string
  #name?: string
  #headText?: string
  #commands?: string[]
  #entries?: string[]
  #xml?: XmlDocument
  #members?: string[]
  constructor(input: ArtefactInput) {
    this.input = input
  }
  get locations(): Set<LocationClass> {
    this.#loc ??= locationsOf(this.input.path, this.input.windowsPath)
    return this.#loc
  }
  get path(): string {
    this.#path ??= normalisePath(this.input.windowsPath ?? this.input.path)
    return this.#path
  }
  get name(): string {
    this.#name ??= this.input.name.toLowerCase()
    return this.#name
  }
  get ext(): string {
    const dot = this.name.lastIndexOf('.')
    return dot > 0 ? this.name.slice(dot + 1) : ''
  }
  get headText(): string {
    this.#headText ??= Buffer.from(this.input.head ?? new Uint8Array())
      .toString('latin1')
      .toLowerCase()
    return this.#headText
  }
  /** The task or config as read (sources/xml/), else its text parsed here (rule tests, library callers). */
  get xml(): XmlDocument | undefined {
    if (this.input.text === undefined) return undefined
    this.#xml ??= this.input.xml ?? parseXml(this.input.text)
    return this.#xml
  }
  get commands(): string[] {
    const xml = this.xml
    this.#commands ??= xml ? taskCommands(xml) : []
    return this.#commands
  }
  get entries(): string[] {
    const xml = this.xml
    this.#entries ??= xml ? configEntries(xml) : []
    return this.#entries
  }
  get members(): string[] {
    this.#members ??= (this.input.members ?? []).map((m) => m.replace(/\\/g, '/').toLowerCase())
    return this.#members
  }
}

function headStarts(head: Uint8Array | undefined, sig: Uint8Array): boolean {
  if (!head || head.length < sig.length) return false
  for (let i = 0; i < sig.length; i++) if (head[i] !== sig[i]) return false
  return true
}

export function evalCondition(c: ArtefactCondition, v: ItemView): boolean {
  if ('all' in c) return c.all.every((k) => evalCondition(k, v))
  if ('any' in c) return c.any.some((k) => evalCondition(k, v))
  if ('none' in c) return !c.none.some((k) => evalCondition(k, v))
  if ('location' in c) {
    for (const l of v.locations) if (c.location.has(l)) return true
    return false
  }
  if ('path' in c) return c.path.test(v.path)
  if ('name' in c) return c.name.test(v.name)
  if ('ext' in c) return c.ext.has(v.ext)
  if ('head' in c) return c.head.some((sig) => headStarts(v.input.head, sig))
  if ('headContains' in c) {
    const t = v.headText
    return c.headContains.some((n) => t.includes(n) || t.includes(n.split('').join('\0')))
  }
  if ('member' in c) return v.members.some((m) => c.member.test(m))
  if ('text' in c) return v.input.text !== undefined && c.text.test(v.input.text)
  if ('command' in c) return v.commands.some((m) => c.command.test(m))
  if ('entry' in c) return v.entries.some((e) => c.entry.test(e))
  if ('minSize' in c) return v.input.size >= c.minSize
  return v.input.size <= c.maxSize
}
