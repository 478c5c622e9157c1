// The condition table for artefact rules (content/rules/artefacts): `a` is the item's name (name-regex),
// `b` its text (text-regex, a config's or task's text). Each case is one rule compiled by the real
// compiler, evaluated through the artefact engine.
import { compileArtefactRule } from '../../src/detect/artefacts/compile-rules.ts'
import { artefactEngine } from '../../src/detect/artefacts/index.ts'
import type { ContentIssue } from '../../src/shared/content-issue.ts'
import {
  asRegex,
  type CaseRecord,
  type Cond,
  DASH_CASE,
  hasMissingField,
  sensitive,
  Unsupported,
} from './cases.ts'
import { runConditionCases } from './run-cases.ts'

const ANY_TEXT = '[\\s\\S]'

function raw(c: Cond): unknown {
  if ('all' in c) return { all: c.all.map(raw) }
  if ('any' in c) return { any: c.any.map(raw) }
  if ('none' in c) return { none: c.none.map(raw) }
  // The format has no `not`: `none` of one condition is the same.
  if ('not' in c) return { none: [raw(c.not)] }
  const key = c.field === 'a' ? 'name-regex' : 'text-regex'
  if ('exists' in c) {
    if (c.field === 'a') throw new Unsupported('an item always has a name')
    // Absent or empty text has no character.
    return c.exists ? { [key]: ANY_TEXT } : { none: [{ [key]: ANY_TEXT }] }
  }
  if (c.case) throw new Unsupported('regexes are compiled case-insensitive')
  return { [key]: asRegex(c.op, c.value) }
}

runConditionCases({
  name: 'artefact rules',
  atLeast: 25,
  unsupported(c) {
    if (sensitive(c))
      return 'artefact regexes are always compiled case-insensitive (compile-rules.ts): no case option'
    if (c.name === DASH_CASE)
      return "items are files, tasks and configs: '-' is text like any other, not a log writer's empty marker"
    if (hasMissingField(c, 'a')) return 'an item always has a name: it cannot be missing'
    return undefined
  },
  compile(when, name) {
    const file = 'rules/artefacts/exh-art-condition-case.yml'
    const issues: ContentIssue[] = []
    const { rule } = compileArtefactRule(
      {
        id: 'exh-art-condition-case',
        title: name,
        level: 'high',
        proves: 'suspicion',
        category: 'post-exploitation',
        target: 'config',
        match: raw(when),
        reasons: ['condition case'],
        references: ['https://example.org/condition-cases'],
        tests: { positive: [{ path: 'C:\\x\\web.config' }], negative: [{ path: 'C:\\y.txt' }] },
      },
      file,
      issues,
    )
    const errors = issues.filter((i) => i.severity === 'error')
    if (errors.length > 0) throw new Error(`rule refused: ${JSON.stringify(errors)}`)
    const session = artefactEngine.compile({ rules: [rule], tests: new Map() }).session()
    return (fields: CaseRecord['fields']) => {
      let hit = false
      const input = {
        path: `inetpub/wwwroot/${fields.a}`,
        name: fields.a!,
        size: 0,
        ...(fields.b === undefined ? {} : { text: fields.b }),
      }
      session.match({ targets: ['config'], input }, () => {
        hit = true
      })
      return hit
    }
  },
})
