// The condition table for web-file heuristics (content/rules/webfile): `a` is the file's name
// (name-regex), `b` its text (`contains` where it folds case, else `regex`). Each case is one heuristic
// compiled by the content compiler, evaluated through the heuristic engine on the file's bytes as UTF-8,
// so the regex literal prefilter over the bytes (regex-prefilter.ts) runs as in a hunt.
import { compileHeuristic } from '../../src/content/webfile/load-heuristics.ts'
import { heuristicEngine } from '../../src/detect/webfile/engine.ts'
import { webFileInfo } from '../../src/detect/webfile/hit.ts'
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

function raw(c: Cond): unknown {
  if ('all' in c) return { all: c.all.map(raw) }
  if ('any' in c) return { any: c.any.map(raw) }
  if ('none' in c) return { none: c.none.map(raw) }
  // The format has no `not`: `none` of one condition is the same.
  if ('not' in c) return { none: [raw(c.not)] }
  if ('exists' in c) throw new Unsupported('a web file always has a name and a text')
  const cs = c.case ? { case: 'sensitive' } : {}
  if (c.field === 'a') return { 'name-regex': asRegex(c.op, c.value), ...cs }
  const values = typeof c.value === 'string' ? [c.value] : c.value
  if (!c.case && (c.op === 'contains' || c.op === 'contains-any')) return { contains: values }
  if (!c.case && c.op === 'contains-all') return { all: values.map((v) => ({ contains: v })) }
  return { regex: asRegex(c.op, c.value), ...cs }
}

runConditionCases({
  name: 'web-file heuristics',
  atLeast: 20,
  unsupported(c) {
    if (sensitive(c, 'a'))
      return 'the file name is lowercased before the heuristics see it (webFileInfo), so its case is lost'
    if (c.name === DASH_CASE)
      return "a web file's text is text: '-' is no log writer's empty marker"
    if (hasMissingField(c, 'a') || hasMissingField(c, 'b') || c.name.startsWith('exists'))
      return "a web file always has a name and a text ('' when empty): neither can be missing"
    return undefined
  },
  compile(when, name) {
    const problems: string[] = []
    const { rule } = compileHeuristic(
      {
        id: 'exh-web-condition-case',
        title: name,
        level: 'high',
        proves: 'suspicion',
        references: ['https://example.org/condition-cases'],
        match: raw(when),
        reasons: ['condition case'],
        tests: {
          positive: [{ name: 'x.aspx', text: 'x' }],
          negative: [{ name: 'y.aspx', text: 'y' }],
        },
      },
      'rules/webfile/exh-web-condition-case.yml',
      problems,
    )
    if (problems.length > 0) throw new Error(`heuristic refused: ${problems.join('; ')}`)
    const session = heuristicEngine.compile({ rules: [rule] }).session()
    return (fields: CaseRecord['fields']) => {
      // A case that reads only the name gives no text: the file is empty.
      const text = fields.b ?? ''
      const bytes = new TextEncoder().encode(text)
      const file = webFileInfo(`wwwroot/${fields.a}`, undefined, bytes.length)
      let hit = false
      session.match({ file, bytes, text, lower: text.toLowerCase(), utf8: true }, () => {
        hit = true
      })
      return hit
    }
  },
})
