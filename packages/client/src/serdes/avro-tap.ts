import { Tap } from 'avsc/lib/utils.js'

/*
 * avsc's Tap with faster strings, for Kafkit's encode and decode. avsc sizes every string with
 * Buffer.byteLength and decodes every one with a native utf8Slice: two calls into C++ per string,
 * which cost more than the bytes for the short ASCII strings records are full of (ids, enums
 * spelled out, map keys). Short ASCII strings are written and read here in JS; everything else
 * goes to avsc's own code, so the bytes are avsc's (a property test checks it for every fixture).
 * Overflow behaves as avsc's: `pos` runs past the end and the caller checks it.
 */

/** Longest string written and read in JS: up to here that beats a call into Buffer's native code. */
const SHORT = 16

/** Max characters written with a 2-byte length prefix: 3 UTF-8 bytes each, zigzag length < 2^14. */
const TWO_BYTE_PREFIX_CHARS = 2730

// Buffer's unchecked UTF-8 writer (what Buffer#write calls after checking its arguments), as avsc uses it.
type Utf8Writable = Buffer & { utf8Write(s: string, offset: number, length: number): number }

/**
 * `FROM_BYTES[n](buf, i)`: the n ASCII bytes from `i` as a string, made in one step (a string grown
 * one character at a time is a new string per character).
 */
const FROM_BYTES: readonly ((buf: Buffer, i: number) => string)[] = Array.from(
  { length: SHORT + 1 },
  (_, n) =>
    new Function(
      'b',
      'i',
      `return String.fromCharCode(${Array.from({ length: n }, (_, k) => `b[i + ${k}]`).join(', ')})`,
    ) as (buf: Buffer, i: number) => string,
)

export class KafkitTap extends Tap {
  override writeString(s: string): void {
    const n = s.length
    const buf = this.buf
    const pos = this.pos
    if (n < 64) {
      // ASCII: n bytes, and the zigzag length 2n fits in one byte.
      const start = pos + 1
      if (start + n <= buf.length) {
        if (n <= SHORT) {
          let i = 0
          for (; i < n; i++) {
            const c = s.charCodeAt(i)
            if (c >= 0x80) break
            buf[start + i] = c
          }
          if (i === n) {
            buf[pos] = n << 1
            this.pos = start + n
            return
          }
        } else if ((buf as Utf8Writable).utf8Write(s, start, buf.length - start) === n) {
          // As many bytes as characters: all ASCII (avsc writes anything else its own way).
          buf[pos] = n << 1
          this.pos = start + n
          return
        }
      }
    } else if (n <= TWO_BYTE_PREFIX_CHARS) {
      // 64..8190 bytes whatever the characters: the length prefix takes exactly 2 bytes, so the
      // string is written once, straight after it, without sizing it first.
      const start = pos + 2
      const room = 3 * n
      if (start + room <= buf.length) {
        const written = (buf as Utf8Writable).utf8Write(s, start, room)
        const zz = written << 1
        buf[pos] = (zz & 0x7f) | 0x80
        buf[pos + 1] = zz >> 7
        this.pos = start + written
        return
      }
    }
    super.writeString(s)
  }

  override readString(): string | undefined {
    const buf = this.buf
    const pos = this.pos
    const b = buf[pos]!
    // One-byte, non-negative length (zigzag even, < 0x80) of a short string that is all in the buffer.
    if (b < 0x80 && (b & 1) === 0) {
      const len = b >> 1
      const start = pos + 1
      const end = start + len
      if (len <= SHORT && end <= buf.length) {
        let ascii = 0
        for (let i = start; i < end; i++) ascii |= buf[i]!
        if (ascii < 0x80) {
          this.pos = end
          return FROM_BYTES[len]!(buf, start)
        }
      }
    }
    return super.readString()
  }
}

const EMPTY = Buffer.alloc(0)
/** One tap for the process, so a record costs no tap; a nested use (a type hook encoding) gets its own. */
const shared = new KafkitTap(EMPTY)

function acquire(buf: Buffer, pos: number): KafkitTap {
  const tap = shared.buf === EMPTY ? shared : new KafkitTap(EMPTY)
  tap.buf = buf
  tap.pos = pos
  return tap
}

/**
 * Writes `value` into `buf` from `pos`; answers the end position, which is past `buf.length` when
 * the value did not fit (nothing else is wrong: the caller retries with a larger buffer).
 */
export function writeValue(
  write: (tap: KafkitTap, value: unknown) => void,
  value: unknown,
  buf: Buffer,
  pos: number,
): number {
  const tap = acquire(buf, pos)
  try {
    write(tap, value)
    return tap.pos
  } finally {
    tap.buf = EMPTY
  }
}

/**
 * Reads one value with `read` from `buf` at `pos` to the end of `buf`, as avsc's
 * `type.fromBuffer(buf.subarray(pos), resolver)` does, with the same errors.
 */
export function readValue(read: (tap: KafkitTap) => unknown, buf: Buffer, pos: number): unknown {
  const tap = acquire(buf, pos)
  try {
    const value = read(tap)
    if (tap.pos > buf.length) throw new Error('truncated buffer')
    if (tap.pos < buf.length) throw new Error('trailing data')
    return value
  } finally {
    tap.buf = EMPTY
  }
}
