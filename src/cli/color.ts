// Colour in text output: an explicit flag wins, then NO_COLOR, then FORCE_COLOR, then whether it is a TTY.
export function useColor(explicit: boolean | undefined, isTty: boolean): boolean {
  // https://no-color.org: NO_COLOR turns colour off unless a flag asks for it explicitly.
  if (explicit !== undefined) return explicit
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true
  return isTty
}
