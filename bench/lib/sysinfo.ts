// The conditions every printed table states: cores, CPU model, Node version, date.
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'

export function machineLine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU'
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (m?.[1]) model = m[1].trim()
  } catch {
    // not Linux: keep os.cpus()
  }
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ')
  return `${cpus().length} cores, ${model}, Node ${process.version}, ${date} UTC`
}
