// Every CLI message is one line on stderr, `exhunt: …`: scripts grep it and terminals stay tidy even
// when an OS or zip error message carries newlines.
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

export function say(message: string): void {
  process.stderr.write(`exhunt: ${oneLine(message)}\n`)
}
