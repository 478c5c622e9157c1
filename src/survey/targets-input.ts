// TARGETS of `exhunt survey add`: each argument is a file of targets (one per line, `#` comments) when
// such a file exists, else a target itself. A bad line is a per-line error; the others are added.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { isExhuntError } from '../shared/errors.ts'
import { normaliseTarget } from '../store/targets.ts'

export interface TargetsInput {
  targets: string[]
  errors: { where: string; message: string }[]
}

export function readTargets(args: readonly string[]): TargetsInput {
  const out: TargetsInput = { targets: [], errors: [] }
  const take = (value: string, where: string) => {
    try {
      out.targets.push(normaliseTarget(value))
    } catch (e) {
      out.errors.push({ where, message: isExhuntError(e) ? e.message : String(e) })
    }
  }
  for (const arg of args) {
    if (existsSync(arg) && statSync(arg).isFile()) {
      let text: string
      try {
        text = readFileSync(arg, 'utf8')
      } catch (e) {
        out.errors.push({ where: arg, message: (e as Error).message })
        continue
      }
      text.split(/\r?\n/).forEach((line, i) => {
        const t = line.replace(/#.*/, '').trim()
        if (t) take(t, `${arg}:${i + 1}`)
      })
    } else take(arg, arg)
  }
  out.targets = [...new Set(out.targets)]
  return out
}
