/**
 * Places inside a schema are JSON Pointers (RFC 6901), in every package: `/fields/2/type` is the type of
 * the third field. The document root is the empty pointer, written `/` in messages.
 */

/** The pointer of `key` under `parent` (`''` for the root), escaping `~` and `/` in keys. */
export function childPointer(parent: string, key: string | number): string {
  return `${parent}/${typeof key === 'number' ? key : key.replaceAll('~', '~0').replaceAll('/', '~1')}`
}

/** A pointer as messages write it: the root is `/`. */
export function pointerText(pointer: string): string {
  return pointer === '' ? '/' : pointer
}
