// Microsoft names Exchange security updates "Mar21SU", "Nov22SU", ...; order them by date.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function key(s: string): string {
  const m = /^([A-Z][a-z]{2})(\d{2})SU/.exec(s)
  return m ? `${m[2]}${String(MONTHS.indexOf(m[1] as string)).padStart(2, '0')}` : s
}

/** Orders "Mar21SU"-style names by date; anything else sorts as text after them. */
export function compareUpdate(a: string, b: string): number {
  return key(a).localeCompare(key(b))
}

/** The newest of the named updates, or undefined. */
export function newestUpdate(names: readonly (string | undefined)[]): string | undefined {
  const list = names.filter((x): x is string => !!x).sort(compareUpdate)
  return list[list.length - 1]
}
