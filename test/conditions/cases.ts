// One table of condition cases that every condition language of exhunt runs (hono's
// `common.case.test.ts` pattern): native log rules, artefact rules, web-file heuristics and IOC
// matching each have a runner (`*.test.ts` here) with an adapter that writes the case in its own
// language, compiles it with the real compiler and evaluates the records through its engine. A case a
// language cannot express is declared unsupported in its adapter, with the reason, and listed in the
// test output; never skipped quietly. Sigma runs the same table next.
//
// The semantics are the native format's (docs/content-format.md): string operators fold case unless
// `case: sensitive`, match the whole value (equals, in, wildcard) or part of it, a missing field
// matches no operator (so `none`/`not` of it holds), and `exists` treats '', and IIS's '-', as absent.
// Records have two fields, `a` (short, no path separators: also a file name) and `b` (free text).

export type Field = 'a' | 'b'

export const STRING_OPS = [
  'equals',
  'contains',
  'startswith',
  'endswith',
  'regex',
  'wildcard',
  'in',
  'contains-any',
  'contains-all',
  'startswith-any',
  'endswith-any',
] as const
export type StringOp = (typeof STRING_OPS)[number]

export type Cond =
  | { field: Field; op: StringOp; value: string | readonly string[]; case?: 'sensitive' }
  | { field: Field; exists: boolean }
  | { all: readonly Cond[] }
  | { any: readonly Cond[] }
  | { none: readonly Cond[] }
  | { not: Cond }

export interface CaseRecord {
  fields: Partial<Record<Field, string>>
  match: boolean
}

export interface ConditionCase {
  name: string
  when: Cond
  records: readonly CaseRecord[]
}

const yes = (fields: CaseRecord['fields']): CaseRecord => ({ fields, match: true })
const no = (fields: CaseRecord['fields']): CaseRecord => ({ fields, match: false })
const leaf = (field: Field, op: StringOp, value: string | readonly string[], sensitive = false) =>
  sensitive ? { field, op, value, case: 'sensitive' as const } : { field, op, value }

export const CASES: readonly ConditionCase[] = [
  {
    name: 'equals: the whole value, case folded',
    when: leaf('a', 'equals', 'Hello'),
    records: [yes({ a: 'hello' }), yes({ a: 'HELLO' }), no({ a: 'hello!' }), no({ a: 'hell' })],
  },
  {
    name: 'equals, case sensitive',
    when: leaf('a', 'equals', 'Hello', true),
    records: [yes({ a: 'Hello' }), no({ a: 'hello' }), no({ a: 'HELLO' })],
  },
  {
    name: 'equals: spaces are part of the value',
    when: leaf('b', 'equals', 'abc'),
    records: [yes({ b: 'abc' }), no({ b: ' abc' }), no({ b: 'abc ' })],
  },
  {
    name: 'contains, case folded',
    when: leaf('b', 'contains', '/OWA/auth/'),
    records: [yes({ b: 'x /owa/auth/y.aspx' }), yes({ b: '/Owa/Auth/' }), no({ b: '/owa/y' })],
  },
  {
    name: 'contains, case sensitive',
    when: leaf('b', 'contains', 'X-Rps-CAT', true),
    records: [yes({ b: 'a&X-Rps-CAT=1' }), no({ b: 'a&x-rps-cat=1' })],
  },
  {
    name: 'contains: a dot and other regex characters are literal',
    when: leaf('b', 'contains', 'a.b(c)*'),
    records: [yes({ b: 'xa.b(c)*y' }), no({ b: 'axb(c)' }), no({ b: 'a.bccc' })],
  },
  {
    name: 'startswith',
    when: leaf('a', 'startswith', 'ServerInfo~'),
    records: [yes({ a: 'serverinfo~a]@x' }), no({ a: 'xServerInfo~' })],
  },
  {
    name: 'endswith',
    when: leaf('a', 'endswith', '.aspx'),
    records: [yes({ a: 'shell.ASPX' }), no({ a: 'shell.aspx.txt' }), no({ a: 'aspx' })],
  },
  {
    name: 'regex: unanchored, case folded',
    when: leaf('b', 'regex', 'cmd=[a-z]+'),
    records: [yes({ b: 'x?CMD=whoami' }), no({ b: 'cmd=123' })],
  },
  {
    name: 'regex, case sensitive',
    when: leaf('b', 'regex', '^Set-[A-Z]\\w+VirtualDirectory$', true),
    records: [yes({ b: 'Set-OabVirtualDirectory' }), no({ b: 'set-oabvirtualdirectory' })],
  },
  {
    name: 'regex: alternations, optional parts and escapes',
    when: leaf('b', 'regex', '(?:WhoAmI|ipconfig)\\b|ab(c)?d\\x2Ee|\\u00e9t\\u00e9|x{2,}y'),
    records: [
      yes({ b: 'run WHOAMI now' }),
      yes({ b: 'IPConfig /all' }),
      no({ b: 'whoamix' }),
      yes({ b: 'abd.e' }),
      yes({ b: 'ABCD.E' }),
      no({ b: 'abcd-e' }),
      yes({ b: 'ÉTÉ' }),
      yes({ b: 'axxy' }),
      no({ b: 'axy' }),
    ],
  },
  {
    name: 'wildcard: * any run, whole value',
    when: leaf('a', 'wildcard', '*.as*x'),
    records: [
      yes({ a: 'a.aspx' }),
      yes({ a: 'A.ASHX' }),
      no({ a: 'a.aspxx1' }),
      no({ a: 'aXaspx' }),
    ],
  },
  {
    name: 'wildcard: ? one character',
    when: leaf('a', 'wildcard', 'a?c'),
    records: [yes({ a: 'abc' }), yes({ a: 'a.c' }), no({ a: 'abbc' }), no({ a: 'ac' })],
  },
  {
    name: 'in: any of whole values',
    when: leaf('a', 'in', ['GET', 'post']),
    records: [yes({ a: 'POST' }), yes({ a: 'get' }), no({ a: 'posts' }), no({ a: 'PUT' })],
  },
  {
    name: 'contains-any',
    when: leaf('b', 'contains-any', ['whoami', 'ipconfig']),
    records: [yes({ b: 'cmd /c IPCONFIG /all' }), no({ b: 'cmd /c dir' })],
  },
  {
    name: 'contains-all',
    when: leaf('b', 'contains-all', ['powershell', '-enc']),
    records: [yes({ b: 'PowerShell -Enc AAAA' }), no({ b: 'powershell -c x' })],
  },
  {
    name: 'startswith-any and endswith-any',
    when: {
      all: [leaf('a', 'startswith-any', ['ab', 'xy']), leaf('a', 'endswith-any', ['.js', '.css'])],
    },
    records: [yes({ a: 'abc.js' }), yes({ a: 'XYZ.CSS' }), no({ a: 'abc.png' }), no({ a: 'c.js' })],
  },
  {
    name: 'all-of across fields',
    when: { all: [leaf('a', 'equals', 'post'), leaf('b', 'contains', 'autodiscover')] },
    records: [
      yes({ a: 'POST', b: '/autodiscover/x' }),
      no({ a: 'GET', b: '/autodiscover/x' }),
      no({ a: 'POST', b: '/owa/' }),
    ],
  },
  {
    name: 'any-of across fields',
    when: { any: [leaf('a', 'equals', 'post'), leaf('b', 'contains', 'autodiscover')] },
    records: [
      yes({ a: 'POST', b: '/owa/' }),
      yes({ a: 'GET', b: '/autodiscover/x' }),
      no({ a: 'GET', b: '/owa/' }),
    ],
  },
  {
    name: 'none: no child holds',
    when: {
      all: [
        leaf('b', 'contains', '.aspx'),
        { none: [leaf('a', 'in', ['errorfe.aspx', 'x.aspx'])] },
      ],
    },
    records: [
      yes({ a: 'shell.aspx', b: '/owa/auth/shell.aspx' }),
      no({ a: 'errorFE.aspx', b: '/owa/auth/errorFE.aspx' }),
      no({ a: 'shell.aspx', b: '/owa/auth/shell.js' }),
    ],
  },
  {
    name: 'none of whole values: a longer value holding an excluded one still matches',
    when: {
      all: [leaf('a', 'contains', 'errorfe'), { none: [leaf('a', 'in', ['errorfe.aspx'])] }],
    },
    records: [
      no({ a: 'errorFE.aspx' }),
      yes({ a: 'errorfe.aspx.bak' }),
      yes({ a: 'x errorfe.aspx' }),
      yes({ a: 'errorfe.aspx,x' }),
      yes({ a: 'errorfe.aspx"x' }),
      no({ a: 'errorfe.aspx', b: 'x' }),
      yes({ a: 'x-errorfe', b: 'errorfe.aspx' }),
    ],
  },
  {
    name: 'not',
    when: { all: [leaf('b', 'contains', 'owa'), { not: leaf('a', 'endswith', '.js') }] },
    records: [yes({ a: 'x.aspx', b: '/owa/x.aspx' }), no({ a: 'x.js', b: '/owa/x.js' })],
  },
  {
    name: 'nesting: all of (any, none)',
    when: {
      all: [
        { any: [leaf('a', 'equals', 'x'), leaf('a', 'equals', 'y')] },
        { none: [leaf('b', 'contains', 'health'), leaf('b', 'contains', 'probe')] },
      ],
    },
    records: [
      yes({ a: 'Y', b: '/owa/' }),
      no({ a: 'z', b: '/owa/' }),
      no({ a: 'x', b: '/owa/healthcheck.htm' }),
      no({ a: 'x', b: 'probe' }),
    ],
  },
  {
    name: 'nesting: not of not',
    when: { not: { not: leaf('b', 'contains', 'abc') } },
    records: [yes({ b: 'xabcx' }), no({ b: 'xx' })],
  },
  {
    name: 'missing field matches no operator',
    when: leaf('b', 'contains', 'x'),
    records: [no({ a: 'x' }), yes({ a: 'x', b: 'x' })],
  },
  {
    name: 'missing field: none of it holds',
    when: { all: [leaf('a', 'equals', 'x'), { none: [leaf('b', 'contains', 'y')] }] },
    records: [yes({ a: 'x' }), no({ a: 'x', b: 'y' }), yes({ a: 'x', b: 'z' })],
  },
  {
    name: 'exists: true',
    when: { all: [leaf('a', 'equals', 'x'), { field: 'b', exists: true }] },
    records: [yes({ a: 'x', b: 'v' }), no({ a: 'x' }), no({ a: 'x', b: '' })],
  },
  {
    name: 'exists: false',
    when: { all: [leaf('a', 'equals', 'x'), { field: 'b', exists: false }] },
    records: [no({ a: 'x', b: 'v' }), yes({ a: 'x' }), yes({ a: 'x', b: '' })],
  },
  {
    name: "exists: IIS's '-' is absent",
    when: { all: [leaf('a', 'equals', 'x'), { field: 'b', exists: true }] },
    records: [no({ a: 'x', b: '-' }), yes({ a: 'x', b: '--' })],
  },
  {
    name: 'empty value: equals the empty string',
    when: { all: [leaf('a', 'equals', 'x'), leaf('b', 'equals', '')] },
    records: [yes({ a: 'x', b: '' }), no({ a: 'x', b: ' ' }), no({ a: 'x' })],
  },
  {
    name: 'unicode: case folded beyond ASCII',
    when: leaf('b', 'contains', 'Ärger'),
    records: [yes({ b: 'viel ÄRGER hier' }), yes({ b: 'viel ärger' }), no({ b: 'viel arger' })],
  },
  {
    name: 'unicode: equals folds case beyond ASCII',
    when: leaf('a', 'equals', 'Ärger.aspx'),
    records: [yes({ a: 'ärger.ASPX' }), yes({ a: 'ÄRGER.aspx' }), no({ a: 'arger.aspx' })],
  },
  {
    name: 'unicode: a regex folds case beyond ASCII',
    when: leaf('b', 'regex', 'Ärger\\s+über'),
    records: [yes({ b: 'viel ÄRGER ÜBER x' }), yes({ b: 'ärger über' }), no({ b: 'ärger uber' })],
  },
  {
    name: 'unicode: startswith and endswith fold case beyond ASCII',
    when: { all: [leaf('b', 'startswith', 'Ö'), leaf('b', 'endswith', 'ß€')] },
    records: [yes({ b: 'öl und ß€' }), yes({ b: 'Öl ß€' }), no({ b: 'ol ß€' })],
  },
  {
    name: 'unicode: case sensitive beyond ASCII',
    when: leaf('b', 'contains', 'Ä', true),
    records: [yes({ b: 'xÄx' }), no({ b: 'xäx' })],
  },
  {
    name: 'unicode: CJK and an astral character in one value',
    when: leaf('b', 'contains', '测试😀'),
    records: [yes({ b: 'a 测试😀 b' }), no({ b: 'a 测试 b' })],
  },
  {
    name: 'unicode: wildcard ? is one character, also an astral one',
    when: leaf('a', 'wildcard', 'a?c'),
    records: [yes({ a: 'a😀c' }), yes({ a: 'aéc' }), no({ a: 'a😀😀c' })],
  },
  {
    name: 'quotes, commas and plus signs are literal',
    when: leaf('b', 'contains', 'say "hi", a+b'),
    records: [yes({ b: 'x say "hi", a+b y' }), no({ b: 'x say hi, a b y' })],
  },
]

/** A language's answer to a case: run it, or why it cannot be expressed. */
export class Unsupported extends Error {}

/** Every condition in a case, leaves first (for adapters that look for an operator or option). */
export function leaves(c: Cond): Cond[] {
  if ('all' in c) return c.all.flatMap(leaves)
  if ('any' in c) return c.any.flatMap(leaves)
  if ('none' in c) return c.none.flatMap(leaves)
  if ('not' in c) return leaves(c.not)
  return [c]
}

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\/]/g
export const escapeRegex = (s: string) => s.replace(REGEX_SPECIALS, '\\$&')

/** A string leaf as one JavaScript regex source, for languages whose only operator is a regex. */
export function asRegex(op: StringOp, value: string | readonly string[]): string {
  const vs = (typeof value === 'string' ? [value] : value).map(escapeRegex)
  const alt = (xs: string[]) => (xs.length === 1 ? xs[0]! : `(?:${xs.join('|')})`)
  switch (op) {
    case 'equals':
    case 'in':
      return `^${alt(vs)}$`
    case 'contains':
    case 'contains-any':
      return alt(vs)
    case 'startswith':
    case 'startswith-any':
      return `^${alt(vs)}`
    case 'endswith':
    case 'endswith-any':
      return `${alt(vs)}$`
    case 'regex':
      return value as string
    case 'wildcard': {
      // '?' is one character: a surrogate pair counts as one, as the native wildcard's `u` flag does.
      const w = (typeof value === 'string' ? value : value[0]!)
        .split('')
        .map((ch) =>
          ch === '*'
            ? '[\\s\\S]*'
            : ch === '?'
              ? '(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[\\s\\S])'
              : escapeRegex(ch),
        )
        .join('')
      return `^${w}$`
    }
    case 'contains-all':
      return (vs as string[]).map((v) => `(?=[\\s\\S]*${v})`).join('')
  }
}

/** Does the case read a field that some record lacks? */
export function hasMissingField(c: ConditionCase, field: Field): boolean {
  const read = leaves(c.when).some((l) => 'field' in l && l.field === field)
  return read && c.records.some((r) => r.fields[field] === undefined)
}

export const sensitive = (c: ConditionCase, field?: Field): boolean =>
  leaves(c.when).some(
    (l) => 'case' in l && l.case === 'sensitive' && (field === undefined || l.field === field),
  )

/** The case gives IIS's '-' its log meaning (an empty value), which only log formats have. */
export const DASH_CASE = "exists: IIS's '-' is absent"
