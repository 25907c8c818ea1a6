/** Identifiers for generated code. Avro names never contain `$`, so `$`-prefixed helpers cannot clash. */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await any unknown never string number ' +
    'boolean symbol bigint object undefined Date Buffer type as async from of satisfies keyof readonly declare ' +
    'namespace module global infer is asserts require'
  ).split(' '),
)

/**
 * Module file (without `.ts`) of a namespace: the namespace itself, dots kept, plus `.avro`. Avro names
 * never contain `-` or `+`, so these mark the two places where the plain name would mislead:
 * - a segment `d` becomes `d-`: TypeScript reads every `*.d.*.ts` file as a declaration file, so
 *   `foo.a.b.c.d.avro.ts` would be taken for the declarations of `./foo.a.b.c.avro` (TS6263);
 * - an upper-case letter gets a `+` before it: `com.Acme` (`com.+Acme`) and `com.acme` must not share a
 *   file on case-insensitive file systems (macOS, Windows).
 * Lower-case namespaces without a `d` segment (nearly all) keep their plain name. The null namespace is
 * `no-namespace.avro`, which no namespace produces (a `-` only ever follows a `d` segment), and no fixed
 * module (`index`, `topics`, `avro-definitions`) ends in `.avro`.
 */
export function namespaceModule(namespace: string): string {
  if (namespace === '') return 'no-namespace.avro'
  const file = namespace
    .split('.')
    .map((segment) => (segment === 'd' ? 'd-' : segment.replace(/[A-Z]/g, (c) => `+${c}`)))
    .join('.')
  return `${file}.avro`
}

/** Local alias of an imported namespace module. */
export function namespaceAlias(namespace: string): string {
  return namespace === '' ? '$0' : `$${namespace.replaceAll('.', '$')}`
}

export interface TypeNames {
  readonly type: string
  readonly input: string
  readonly schema: string
  readonly serde: string
  readonly symbols: string
}

/** Allocates the exported names of each type of one module, avoiding clashes and reserved words. */
export class NameAllocator {
  private readonly taken = new Set<string>()

  allocate(shortName: string): TypeNames {
    let base = RESERVED.has(shortName) ? `${shortName}_` : shortName
    for (let n = 2; ; n++) {
      const names = {
        type: base,
        input: `${base}Input`,
        schema: `${base}Schema`,
        serde: `${base}Serde`,
        symbols: `${base}Symbols`,
      }
      if (Object.values(names).every((x) => !this.taken.has(x))) {
        for (const x of Object.values(names)) this.taken.add(x)
        return names
      }
      base = `${RESERVED.has(shortName) ? `${shortName}_` : shortName}_${n}`
    }
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** A property key as written in TS/JS source. */
export function propertyKey(name: string): string {
  return IDENT.test(name) ? name : `'${name.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** JSDoc for an Avro `doc`, safe for any text (no early `*\/`). */
export function docComment(doc: unknown, indent = ''): string {
  if (typeof doc !== 'string' || doc.trim() === '') return ''
  const lines = doc.replaceAll('*/', '*\\/').replaceAll('\r\n', '\n').split('\n')
  if (lines.length === 1) return `${indent}/** ${lines[0]!.trim()} */\n`
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l.trimEnd()}`.trimEnd()).join('\n')}\n${indent} */\n`
}

/** `orders.v1-events` becomes `ordersV1EventsTopic`. */
export function topicIdentifier(topic: string): string {
  const parts = topic.split(/[^A-Za-z0-9]+/).filter(Boolean)
  const camel = parts
    .map((p, i) => (i === 0 ? p[0]!.toLowerCase() + p.slice(1) : p[0]!.toUpperCase() + p.slice(1)))
    .join('')
  const safe = /^[0-9]/.test(camel) || camel === '' ? `t${camel}` : camel
  return `${safe}Topic`
}
