// The README's generated samples sit between marker comments, invisible once rendered:
//   <!-- readme-sample:NAME -->
//   ```
//   …sample…
//   ```
//   <!-- /readme-sample -->
// so the script can rewrite them and the test can find them, whatever the prose around them says.

export interface Block {
  name: string
  /** The lines inside the fence. */
  lines: string[]
}

const BLOCK =
  /<!-- readme-sample:([\w-]+) -->\n(```\w*)\n([\s\S]*?)\n```\n<!-- \/readme-sample -->/g

export function readBlocks(markdown: string): Map<string, Block> {
  const out = new Map<string, Block>()
  for (const m of markdown.matchAll(BLOCK)) {
    out.set(m[1] as string, { name: m[1] as string, lines: (m[3] as string).split('\n') })
  }
  return out
}

/** MARKDOWN with block NAME's body replaced; throws when the markers are missing. */
export function replaceBlock(markdown: string, name: string, body: readonly string[]): string {
  let found = false
  const out = markdown.replace(BLOCK, (whole, n: string, fence: string) => {
    if (n !== name) return whole
    found = true
    return `<!-- readme-sample:${n} -->\n${fence}\n${body.join('\n')}\n\`\`\`\n<!-- /readme-sample -->`
  })
  if (!found) throw new Error(`README has no <!-- readme-sample:${name} --> block`)
  return out
}
