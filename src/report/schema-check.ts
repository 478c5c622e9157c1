// A small JSON Schema subset checker (type, const, enum, required, properties, additionalProperties,
// items, $ref to #/$defs, anyOf, minimum, maxLength, pattern): enough to keep
// docs/hunt-report.schema.json and the JSON output from drifting apart.

export type Schema = Record<string, unknown>

export function checkSchema(
  value: unknown,
  schema: Schema,
  root: Schema = schema,
  at = '$',
): string[] {
  const ref = schema.$ref
  if (typeof ref === 'string') {
    const name = ref.replace(/^#\/\$defs\//, '')
    const target = (root.$defs as Record<string, Schema> | undefined)?.[name]
    return target ? checkSchema(value, target, root, at) : [`${at}: unknown $ref ${ref}`]
  }
  if (Array.isArray(schema.anyOf)) {
    const tries = (schema.anyOf as Schema[]).map((s) => checkSchema(value, s, root, at))
    return tries.some((t) => t.length === 0)
      ? []
      : [`${at}: matches no anyOf branch (${tries.flat().join('; ')})`]
  }
  const errs: string[] = []
  if ('const' in schema && value !== schema.const)
    errs.push(`${at}: must be ${JSON.stringify(schema.const)}`)
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    errs.push(`${at}: ${JSON.stringify(value)} not in ${schema.enum.join('|')}`)
  }
  if (typeof schema.type === 'string' && !hasType(value, schema.type)) {
    return [
      ...errs,
      `${at}: expected ${schema.type}, got ${value === null ? 'null' : typeof value}`,
    ]
  }
  if (typeof value === 'string') {
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      errs.push(`${at}: longer than ${schema.maxLength}`)
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
      errs.push(`${at}: does not match ${schema.pattern}`)
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) {
    errs.push(`${at}: below ${schema.minimum}`)
  }
  if (Array.isArray(value) && schema.items) {
    for (const [i, v] of value.entries()) {
      errs.push(...checkSchema(v, schema.items as Schema, root, `${at}[${i}]`))
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>
    const props = (schema.properties ?? {}) as Record<string, Schema>
    for (const k of (schema.required ?? []) as string[])
      if (!(k in obj)) errs.push(`${at}: missing ${k}`)
    for (const [k, v] of Object.entries(obj)) {
      const p = props[k]
      if (p) errs.push(...checkSchema(v, p, root, `${at}.${k}`))
      else if (schema.additionalProperties === false) errs.push(`${at}: unexpected key ${k}`)
      else if (typeof schema.additionalProperties === 'object') {
        errs.push(...checkSchema(v, schema.additionalProperties as Schema, root, `${at}.${k}`))
      }
    }
  }
  return errs
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case 'integer':
      return Number.isInteger(v)
    case 'array':
      return Array.isArray(v)
    case 'null':
      return v === null
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v)
    default:
      return typeof v === t
  }
}
