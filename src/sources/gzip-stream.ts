// Streams a gzip file (an admin's rotated `u_ex210301.log.gz`) decompressed, with caps: gzip declares
// no trustworthy size (ISIZE is mod 2^32 and a crafted file lies), so the output is capped by bytes
// and by ratio to the compressed bytes read so far. A bomb stops with EXH_ERR_GZIP_BOMB and a
// truncated or damaged stream ends in EXH_ERR_GZIP_CORRUPT; what came out before is delivered first.
import { type Readable, Transform, type TransformCallback } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { ExhuntError } from '../shared/errors.ts'
import { DEFAULT_ZIP_LIMITS, RATIO_MIN_BYTES } from './zip/zip-types.ts'

export interface GzipLimits {
  /** Decompressed bytes at most (default 8 GiB, the zip reader's limit for one entry). */
  maxBytes: number
  /** Decompressed / compressed bytes at most once past RATIO_MIN_BYTES (default 200, as for zips). */
  maxRatio: number
}

export const DEFAULT_GZIP_LIMITS: Readonly<GzipLimits> = {
  maxBytes: DEFAULT_ZIP_LIMITS.maxEntryBytes,
  maxRatio: DEFAULT_ZIP_LIMITS.maxRatio,
}

class CappedGunzipOutput extends Transform {
  private out = 0
  constructor(
    private readonly path: string,
    private readonly limits: GzipLimits,
    private readonly compressedIn: () => number,
  ) {
    super()
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.out += chunk.length
    if (this.out > this.limits.maxBytes) {
      cb(bomb(this.path, `decompressed past the ${this.limits.maxBytes}-byte limit`))
      return
    }
    // The compressed count is what was fed to zlib, at least what it consumed: the ratio is never
    // overstated, so an honest log is never stopped by it.
    const ratio = this.out / Math.max(1, this.compressedIn())
    if (this.out > RATIO_MIN_BYTES && ratio > this.limits.maxRatio) {
      cb(
        bomb(
          this.path,
          `decompresses at over ${this.limits.maxRatio}:1 (${this.out} bytes from ${this.compressedIn()})`,
        ),
      )
      return
    }
    cb(null, chunk)
  }
}

function bomb(path: string, why: string): ExhuntError {
  return new ExhuntError(
    'EXH_ERR_GZIP_BOMB',
    `${path}: gzip ${why}; reading stopped, what was read before is kept`,
    { item: path },
  )
}

function corrupt(path: string, why: string): ExhuntError {
  return new ExhuntError(
    'EXH_ERR_GZIP_CORRUPT',
    `${path}: truncated or damaged gzip data (${why}); what was read before is kept`,
    { item: path },
  )
}

/**
 * The decompressed bytes of `compressed` (a gzip stream, possibly several members). `path` names the
 * item in errors. Errors of the compressed source (EXH_ERR_FS_*, EXH_ERR_ZIP_*) pass through as they are.
 */
export function gunzipStream(
  compressed: Readable,
  path: string,
  limits: GzipLimits = DEFAULT_GZIP_LIMITS,
): Readable {
  let fed = 0
  const gunzip = createGunzip()
  const out = new CappedGunzipOutput(path, limits, () => fed)
  const fail = (err: Error) => {
    if (!out.destroyed) out.destroy(err)
  }
  compressed.on('data', (c: Buffer) => {
    fed += c.length
  })
  compressed.on('error', fail)
  // zlib's Z_BUF_ERROR ("unexpected end of file") and Z_DATA_ERROR ("incorrect header check") both mean
  // the bytes are not a whole gzip stream.
  gunzip.on('error', (err: Error) => fail(corrupt(path, err.message)))
  compressed.pipe(gunzip).pipe(out)
  out.on('close', () => {
    compressed.destroy()
    gunzip.destroy()
  })
  return out
}
