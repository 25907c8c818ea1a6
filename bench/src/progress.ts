/** Progress lines on stderr (stdout carries the final table), each with the time since the start. */
export class Progress {
  readonly #start = performance.now()
  readonly #write: (line: string) => void

  constructor(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
    this.#write = write
  }

  elapsedSeconds(): number {
    return (performance.now() - this.#start) / 1000
  }

  section(title: string): void {
    this.#write(`[${this.elapsedSeconds().toFixed(0).padStart(4)} s] == ${title}`)
  }

  step(message: string): void {
    this.#write(`[${this.elapsedSeconds().toFixed(0).padStart(4)} s]    ${message}`)
  }
}
