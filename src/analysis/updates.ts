// "Install X or later": the update named by the exposure check (picked by release date from the build
// table), else, for a report without it, the missing fixes' updates ordered by the date in their names.
import type { Exposure } from '../shared/types.ts'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** `2608` for "CU23 Aug26SU" (the SU/HU month anywhere in the name), else '' (sorts first). */
function key(s: string): string {
  const m = /\b([A-Z][a-z]{2})(\d{2})(?:SU|HU)/.exec(s)
  const month = m ? MONTHS.indexOf(m[1] as string) : -1
  return m && month >= 0 ? `${m[2]}${String(month).padStart(2, '0')}` : ''
}

/** Orders update names by the month in them ("CU23 Oct25SU" before "CU23 Feb26SU"), then as text. */
export function compareUpdate(a: string, b: string): number {
  return key(a).localeCompare(key(b)) || a.localeCompare(b)
}

/** The newest of the named updates, or undefined. */
export function newestUpdate(names: readonly (string | undefined)[]): string | undefined {
  const list = names.filter((x): x is string => !!x).sort(compareUpdate)
  return list[list.length - 1]
}

/** What to install, with the product named when it is not the build's own (Exchange SE on 15.2). */
export function installAdvice(e: Exposure | null | undefined): string | undefined {
  if (!e || e.missing.length === 0) return undefined
  if (e.update) {
    return e.product && e.update.product !== e.product
      ? `${e.update.product} ${e.update.name}`
      : e.update.name
  }
  return newestUpdate(e.missing.map((m) => m.fixedIn))
}
