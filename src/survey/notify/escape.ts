// Scanned data is hostile: a server decides what its headers, title and certificate say. Every value
// from it goes through `cleanScanned` (no control, line-break or bidi-override characters, bounded
// length) before a template sees it, then through the output's own escaping: `escapeHtml` in HTML,
// `headerText` for the subject (one line). Mail headers are never built from scanned text otherwise.

// C0/C1 controls, DEL, line/paragraph separators, bidi embeddings, overrides and isolates, BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g

export function cleanScanned(s: string | undefined, max = 200): string {
  if (s === undefined) return ''
  const clean = s.replace(UNSAFE, ' ').replace(/ {2,}/g, ' ').trim()
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** One header line: every control and line break becomes a space, at most `max` characters. */
export function headerText(s: string, max = 200): string {
  return cleanScanned(s.replace(/\s+/g, ' '), max)
}
