// Stream one log file: bytes → lines → headers/records, with the summary the coverage report needs.
// Never throws: read errors and bad input become ItemErrors; what was read before stays counted.
import { toItemError } from '../../shared/errors.ts'
import { ByteLines } from './byte-lines.ts'
import { LineProcessor } from './line-processor.ts'
import { DEFAULT_MAX_LINE_BYTES, type LogFileSummary, type LogScanOptions } from './scan-types.ts'

/**
 * `input` may reuse one buffer for every chunk (sources/open.ts readChunks): nothing here keeps a
 * chunk past the next read without copying it.
 */
export async function scanLog(
  input: AsyncIterable<Buffer | string>,
  path: string,
  opts: LogScanOptions,
): Promise<LogFileSummary> {
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  const proc = new LineProcessor(path, opts, max)
  const bytes = new ByteLines(path, proc, max, opts.onError)
  let complete = true
  try {
    for await (const chunk of input) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer)
      if (!bytes.push(buf)) break
    }
  } catch (err) {
    complete = false
    opts.onError(toItemError(err, path, 'EXH_ERR_LOG_READ'))
  }
  bytes.end(complete)
  if (!bytes.stopped) proc.finish()
  const summary: LogFileSummary = {
    path,
    logType: proc.logType,
    encoding: bytes.encoding,
    bytes: bytes.bytes,
    lines: proc.lines,
    records: proc.records,
    builds: [...proc.builds],
  }
  if (proc.subtype !== undefined) summary.subtype = proc.subtype
  const oldest = proc.oldest
  const newest = proc.newest
  if (oldest !== undefined) summary.oldest = oldest
  if (newest !== undefined) summary.newest = newest
  if (proc.software !== undefined) summary.software = proc.software
  if (proc.version !== undefined) summary.version = proc.version
  return summary
}
