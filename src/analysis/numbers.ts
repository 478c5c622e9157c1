// Counts and sizes as every reader sees them: the verdict's reasons and the reports use the same words.

/** 1234567 → "1.2 MB" (decimal units, as disks are sold). */
export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let v = n
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}

/** 12345 → "12,345". */
export function num(n: number): string {
  return n.toLocaleString('en-US')
}
