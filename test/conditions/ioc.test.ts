// The condition table for IOC matching: an indicator is one value matched whole, so only `a` as a file
// name, compared case-insensitively (`filename` indicators through the IOC file engine), and any-of
// lists of them (several indicators), can be written. Every other case is declared with its reason.
import { type Ioc, iocFileEngine } from '../../src/detect/ioc/index.ts'
import {
  type CaseRecord,
  type Cond,
  type ConditionCase,
  hasMissingField,
  leaves,
  Unsupported,
} from './cases.ts'
import { runConditionCases } from './run-cases.ts'

/** The file names a case's condition is: one equals, an `in` list, or any-of equals. */
function names(c: Cond): string[] {
  if ('any' in c) return c.any.flatMap(names)
  if ('field' in c && 'op' in c && c.field === 'a' && !c.case) {
    if (c.op === 'equals' && typeof c.value === 'string') return [c.value]
    if (c.op === 'in' && typeof c.value !== 'string') return [...c.value]
  }
  throw new Unsupported('not a list of whole file names')
}

function why(c: ConditionCase): string | undefined {
  if (hasMissingField(c, 'a')) return 'a file always has a name: it cannot be missing'
  if (leaves(c.when).some((l) => 'case' in l && l.case))
    return 'indicators are compared case-insensitively: no case option'
  try {
    names(c.when)
    return undefined
  } catch {
    return 'an indicator is one value matched whole: no operators (contains, regex, ...), no all/none/not, no other field'
  }
}

runConditionCases({
  name: 'IOC file names',
  atLeast: 2,
  unsupported: why,
  compile(when) {
    const iocs: Ioc[] = names(when).map((value) => ({
      value,
      type: 'filename',
      origins: ['condition-cases'],
      file: 'condition-cases.csv',
    }))
    const session = iocFileEngine.compile(iocs).session()
    return (fields: CaseRecord['fields']) => {
      let hit = false
      session.match({ path: `inetpub/wwwroot/${fields.a}`, size: 0 }, () => {
        hit = true
      })
      return hit
    }
  },
})
