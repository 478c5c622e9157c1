// Walk a record's tree with its template values applied: what the XML of the record contains,
// without building it. Shared by the EventRecord extraction and the XML renderer.
import type { Attr, CData, Elem, Node, PI, Sub, Value } from './binxml.ts'
import { fail } from './bytes.ts'
import type { Scalar } from './values.ts'
import { valueText } from './values.ts'

/** One resolved item: an element (with the values its placeholders read), text, a value, CDATA or a PI. */
export type Item =
  | { readonly e: Elem; readonly vals: readonly Value[] }
  | { readonly v: Scalar; readonly opt: boolean }
  | { readonly c: CData }
  | { readonly p: PI }

const NO_VALUES: readonly Value[] = []

// Templates may hold instances of other templates: a hostile chunk could nest them so that walking a
// record multiplies without bound. Each record gets a budget of nodes visited (real records need a few
// hundred).
const BUDGET = 200_000
let budget = BUDGET

/** Start a record's walk with a fresh budget. */
export function beginWalk(): void {
  budget = BUDGET
}

export function resolve(nodes: readonly Node[], vals: readonly Value[], out: Item[] = []): Item[] {
  budget -= nodes.length + 1
  if (budget < 0) fail('record expands past the node budget (nested templates)')
  for (const n of nodes) {
    if (typeof n === 'string') out.push({ v: n, opt: false })
    else if (n.k === 'e') {
      const arr = arraySub(n, vals)
      if (arr) expand(n, vals, arr, out)
      else out.push({ e: n, vals })
    } else if (n.k === 't') resolve(n.body, n.values, out)
    else if (n.k === 's') {
      const v = vals[n.id]
      if (v === undefined) out.push({ v: null, opt: n.opt })
      else if (v !== null && typeof v === 'object' && !Array.isArray(v))
        resolve(v.nodes, NO_VALUES, out)
      else out.push({ v, opt: n.opt })
    } else if (n.k === 'c') out.push({ c: n })
    else out.push({ p: n })
  }
  return out
}

/** The first array substitution (of 2+ items) in an element's content, if any. */
function arraySub(e: Elem, vals: readonly Value[]): Sub | undefined {
  if (vals.length === 0) return undefined
  for (const k of e.kids) {
    if (typeof k !== 'string' && k.k === 's') {
      const v = vals[k.id]
      if (Array.isArray(v) && v.length > 1) return k
    }
  }
  return undefined
}

/**
 * An array substituted into an element's content repeats the element once per item, as Windows
 * renders it (and omerbenamram/evtx, src/binxml/array_expand.rs): `<Data>%1</Data>` with two strings
 * is two Data elements.
 */
function expand(e: Elem, vals: readonly Value[], sub: Sub, out: Item[]): void {
  for (const item of vals[sub.id] as string[]) {
    const kids = e.kids.map((k) => (k === sub ? item : k))
    out.push({ e: { k: 'e', name: e.name, attrs: e.attrs, kids }, vals })
  }
}

export function children(item: { e: Elem; vals: readonly Value[] }): Item[] {
  return resolve(item.e.kids, item.vals)
}

/** An attribute's value, or undefined when it is one optional substitution that is null (dropped). */
export function attrValue(a: Attr, vals: readonly Value[]): Scalar | undefined {
  const items = resolve(a.parts, vals)
  if (items.length === 1) {
    const only = items[0] as Item
    if ('v' in only) return only.v === null && only.opt ? undefined : only.v
  }
  return itemsText(items)
}

export function itemsText(items: readonly Item[]): string {
  let s = ''
  for (const it of items) {
    if ('v' in it) s += valueText(it.v)
    else if ('c' in it) s += it.c.text
    else if ('e' in it) s += itemsText(children(it))
  }
  return s
}

/** An element's content as one value: the typed value when it is a single substitution, else its text. */
export function contentValue(items: readonly Item[]): Scalar {
  if (items.length === 0) return ''
  if (items.length === 1) {
    const only = items[0] as Item
    if ('v' in only) return only.v
  }
  return itemsText(items)
}

/** The element children of a resolved list. */
export function elements(items: readonly Item[]): { e: Elem; vals: readonly Value[] }[] {
  const out: { e: Elem; vals: readonly Value[] }[] = []
  for (const it of items) if ('e' in it) out.push(it)
  return out
}
