// Exchange CSV logs (LogRowFormatter): comma separated, a value with a comma, quote or line break is
// wrapped in double quotes and its quotes doubled, e.g. ex04 CosmosQueue `"{""CreationTime"":...}"`.

/** Split one Exchange CSV line into values; tolerant of stray quotes inside unquoted values. */
export function parseCsvLine(line: string): string[] {
  const out: string[] = []
  const n = line.length
  if (line.indexOf('"') === -1) return line.split(',')
  let i = 0
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34) {
      // Quoted value: runs to the next lone quote; "" is a literal quote.
      let value = ''
      let from = i + 1
      for (;;) {
        const q = line.indexOf('"', from)
        if (q === -1) {
          value += line.slice(from)
          i = n
          break
        }
        value += line.slice(from, q)
        if (line.charCodeAt(q + 1) === 34) {
          value += '"'
          from = q + 2
          continue
        }
        i = q + 1
        break
      }
      // Anything between the closing quote and the next comma is kept, not dropped.
      const comma = line.indexOf(',', i)
      const tail = comma === -1 ? line.slice(i) : line.slice(i, comma)
      out.push(tail === '' ? value : value + tail)
      if (comma === -1) return out
      i = comma + 1
    } else {
      const comma = line.indexOf(',', i)
      if (comma === -1) {
        out.push(line.slice(i))
        return out
      }
      out.push(line.slice(i, comma))
      i = comma + 1
    }
  }
}
