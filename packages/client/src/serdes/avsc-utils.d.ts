// avsc's own Tap (its cursor over a buffer), which its package does not re-export from the index.
declare module 'avsc/lib/utils.js' {
  export class Tap {
    constructor(buf: Buffer, pos?: number)
    buf: Buffer
    pos: number
    isValid(): boolean
    readLong(): number
    writeLong(n: number): void
    writeBinary(s: string, len: number): void
    skipLong(): void
    readString(): string | undefined
    writeString(s: string): void
  }
}
