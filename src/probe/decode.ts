// A compressed body decoded with a cap on what it may inflate to: a gzip bomb stops at the cap with
// the first bytes kept, never at the end of the bomb. We ask for `identity`; only a server that
// compresses anyway gets here.
import type { Transform } from 'node:stream'
import { constants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'

export interface Decoded {
  body: Buffer
  /** Inflated past the cap: `body` holds the first `cap` bytes. */
  over: boolean
  /** The bytes do not decode (a damaged or fake stream): `body` holds what decoded before. */
  error?: string
}

const CODECS: Readonly<Record<string, () => Transform>> = {
  gzip: () => createGunzip({ finishFlush: constants.Z_SYNC_FLUSH }),
  'x-gzip': () => createGunzip({ finishFlush: constants.Z_SYNC_FLUSH }),
  deflate: () => createInflate({ finishFlush: constants.Z_SYNC_FLUSH }),
  br: () => createBrotliDecompress({ finishFlush: constants.BROTLI_OPERATION_FLUSH }),
}

export function knownEncoding(enc: string): boolean {
  return enc in CODECS
}

/** Decodes `raw` (which may be cut short) with `enc`, keeping at most `cap` bytes. */
export function decodeCapped(raw: Buffer, enc: string, cap: number): Promise<Decoded> {
  const make = CODECS[enc]
  if (!make)
    return Promise.resolve({ body: raw, over: false, error: `unknown content-encoding ${enc}` })
  return new Promise((resolve) => {
    const z = make()
    const parts: Buffer[] = []
    let n = 0
    let settled = false
    const done = (d: Decoded) => {
      if (settled) return
      settled = true
      z.destroy()
      resolve(d)
    }
    z.on('data', (c: Buffer) => {
      if (settled) return
      if (n + c.length > cap) {
        parts.push(c.subarray(0, cap - n))
        done({ body: Buffer.concat(parts), over: true })
        return
      }
      parts.push(c)
      n += c.length
    })
    z.on('end', () => done({ body: Buffer.concat(parts), over: false }))
    z.on('error', (err: Error) =>
      done({ body: Buffer.concat(parts), over: false, error: err.message }),
    )
    z.end(raw)
  })
}
