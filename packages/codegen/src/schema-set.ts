import { readFileSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { type AvroDefinitions, avroSchemaOf, avroTypeOptions, type LongMode } from '@kafkit/common'
import {
  AVRO_NAMED_KINDS,
  AVRO_PRIMITIVES,
  type AvroNode,
  avroFullName,
  childPointer,
  fromPlain,
  JsonSyntaxError,
  namespaceOf,
  type ParseContext,
  parseJsonText,
  parseNode,
  pointerText,
  splitAvroName,
} from '@kafkit/common/avro-schema'
import avro from 'avsc'
import { CodegenError } from './errors'
import type { NamedDefinition, SchemaSet } from './types'

interface Root {
  readonly file: string
  readonly json: unknown
  readonly namespace: string
  readonly place: string
  readonly idl: boolean
}

/** Finds the .avsc/.avdl files under each input (files or folders), sorted for deterministic output. */
export async function findSchemaFiles(inputs: readonly string[]): Promise<string[]> {
  const found = new Set<string>()
  const visit = async (path: string): Promise<void> => {
    const s = await stat(path).catch(() => undefined)
    if (!s) throw new CodegenError('KAFKIT_CODEGEN_NO_INPUT', `no such file or folder: ${path}`)
    if (s.isDirectory()) {
      const entries = await readdir(path, { withFileTypes: true })
      for (const e of entries) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue
        const p = join(path, e.name)
        if (e.isDirectory()) await visit(p)
        else if (/\.(avsc|avdl)$/.test(e.name)) found.add(p)
      }
    } else if (/\.(avsc|avdl|json)$/.test(path)) found.add(path)
    else
      throw new CodegenError(
        'KAFKIT_CODEGEN_NO_INPUT',
        `not an Avro schema file (.avsc, .avdl or .json): ${path}`,
      )
  }
  for (const input of inputs) await visit(resolve(input))
  if (found.size === 0) {
    throw new CodegenError('KAFKIT_CODEGEN_NO_INPUT', `no .avsc or .avdl file found in ${inputs.join(', ')}`)
  }
  return [...found].sort()
}

/** JSON.parse with the error place as line:col (V8 does not always say where: the common reader does). */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    let place: string | undefined
    try {
      parseJsonText(text, { comments: false })
    } catch (e) {
      if (e instanceof JsonSyntaxError) place = `${e.line}:${e.column}`
    }
    throw new CodegenError('KAFKIT_CODEGEN_INVALID_JSON', `invalid JSON: ${message}`, { file, place }, error)
  }
}

function assembleIdl(file: string): Promise<{ namespace?: string; types?: unknown[] }> {
  return new Promise((ok, fail) => {
    avro.assembleProtocol(file, {}, (err, protocol) => {
      if (err) {
        // avsc reports the offset of the bad token; turn it into line:col of the file it was reading.
        const pos = /"pos":(\d+)/.exec(err.message)
        const where = (err as { path?: string }).path ?? file
        let place: string | undefined
        if (pos) {
          try {
            const lines = readFileSync(where, 'utf8').slice(0, Number(pos[1])).split('\n')
            place = `${lines.length}:${(lines.at(-1)?.length ?? 0) + 1}`
          } catch {
            place = undefined
          }
        }
        fail(
          new CodegenError(
            'KAFKIT_CODEGEN_INVALID_SCHEMA',
            `invalid Avro IDL: ${err.message}`,
            { file, place },
            err,
          ),
        )
      } else ok(protocol as { namespace?: string; types?: unknown[] })
    })
  })
}

async function readRoots(file: string): Promise<Root[]> {
  if (file.endsWith('.avdl')) {
    const protocol = await assembleIdl(file)
    return (protocol.types ?? []).map((json, i) => ({
      file,
      json,
      namespace: protocol.namespace ?? '',
      place: childPointer('/types', i),
      idl: true,
    }))
  }
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new CodegenError('KAFKIT_CODEGEN_NO_INPUT', `cannot read: ${error.message}`, { file }, error)
  })
  return [{ file, json: parseJson(text, file), namespace: '', place: '', idl: false }]
}

/** A primitive name is never qualified. */
function qualify(name: string, namespace: string): string {
  return AVRO_PRIMITIVES.has(name) ? name : avroFullName(name, namespace)
}

interface Reference {
  readonly fullName: string
  readonly written: string
  readonly file: string
  readonly place: string
}

interface DefaultUse {
  readonly owner: string
  readonly field: string
  readonly index: number
  readonly file: string
  readonly place: string
}

/** Codegen's wording and places where its users and tests rely on them; the core's otherwise. */
function coreFailure(root: Root, path: string, problem: string): CodegenError {
  let place = path === '/' ? '' : path
  let what = problem
  if (problem.startsWith("an array needs 'items'")) what = 'array without "items"'
  else if (problem.startsWith("a map needs 'values'")) what = 'map without "values"'
  // Codegen points at the missing attribute itself.
  else if (/^record \S+ needs a 'fields' array/.test(problem)) place = childPointer(place, 'fields')
  return new CodegenError('KAFKIT_CODEGEN_INVALID_SCHEMA', what, {
    file: root.file,
    place: pointerText(place),
  })
}

/**
 * Stands for a type defined later or in another file while the core checks one root: codegen resolves
 * names across all files itself (references below), so the core only checks the structure.
 */
function placeholder(fullName: string): AvroNode {
  return {
    kind: 'record',
    error: false,
    name: splitAvroName(fullName, undefined),
    doc: undefined,
    aliases: [],
    props: new Map(),
    external: true,
    fields: [],
  }
}

/**
 * Walks one schema: collects named definitions (flattened), references and defaults. The structure (names,
 * namespaces, fields, symbols, sizes, unions, items, values) is checked by the Avro core first.
 */
class Walker {
  readonly definitions = new Map<string, NamedDefinition & { idl: boolean }>()
  readonly references: Reference[] = []
  readonly defaults: DefaultUse[] = []
  readonly unnamedRoots: { root: Root; flattened: unknown }[] = []

  constructor(
    private readonly onDuplicate: (
      prev: NamedDefinition & { idl: boolean },
      next: NamedDefinition & { idl: boolean },
    ) => boolean,
  ) {}

  addRoot(root: Root): void {
    const duplicate = this.check(root)
    const flattened = this.walk(root.json, root.namespace, root.place, root)
    // The walk reports a duplicate name as codegen's own error; should it not, the core's stands.
    if (duplicate) throw duplicate
    if (typeof flattened !== 'string' || AVRO_PRIMITIVES.has(flattened))
      this.unnamedRoots.push({ root, flattened })
  }

  /** The core's structural checks on one root; a duplicate name is returned for the walk to report. */
  private check(root: Root): CodegenError | undefined {
    let duplicate: CodegenError | undefined
    const ctx: ParseContext = {
      names: new Map(),
      defined: [],
      external: false,
      where: '',
      checkDefaults: false,
      unresolved: placeholder,
      error: (_message, details, problem) => {
        const error = coreFailure(root, details.path, problem)
        if (problem.startsWith('duplicate name:')) duplicate = error
        return error
      },
    }
    try {
      parseNode(ctx, fromPlain(root.json), root.namespace || undefined, root.place)
    } catch (error) {
      if (error !== duplicate) throw error
    }
    return duplicate
  }

  private fail(root: Root, place: string, what: string): never {
    throw new CodegenError('KAFKIT_CODEGEN_INVALID_SCHEMA', what, {
      file: root.file,
      place: pointerText(place),
    })
  }

  private walk(node: unknown, ns: string, place: string, root: Root): unknown {
    if (typeof node === 'string') {
      if (AVRO_PRIMITIVES.has(node)) return node
      const fullName = qualify(node, ns)
      this.references.push({ fullName, written: node, file: root.file, place: pointerText(place) })
      return fullName
    }
    if (Array.isArray(node))
      return node.map((branch, i) => this.walk(branch, ns, childPointer(place, i), root))
    const o = node as Record<string, unknown>
    const type = o.type as string
    if (AVRO_NAMED_KINDS.has(type)) return this.walkNamed(o, type, ns, place, root)
    if (type === 'array') return { ...o, items: this.walk(o.items, ns, childPointer(place, 'items'), root) }
    if (type === 'map') return { ...o, values: this.walk(o.values, ns, childPointer(place, 'values'), root) }
    if (AVRO_PRIMITIVES.has(type)) return o
    return { ...o, type: this.walk(type, ns, childPointer(place, 'type'), root) }
  }

  private walkNamed(o: Record<string, unknown>, kind: string, ns: string, place: string, root: Root): string {
    const name = o.name as string
    const explicitNs = o.namespace
    const fullName = name.includes('.')
      ? name
      : qualify(name, typeof explicitNs === 'string' ? explicitNs : ns)
    const innerNs = namespaceOf(fullName)
    const flattened: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(o)) {
      flattened[k] = v
      // Context-free: a definition keeps its namespace wherever it gets inlined later.
      if (k === 'name' && !name.includes('.') && explicitNs === undefined && innerNs !== '')
        flattened.namespace = innerNs
    }
    const definition = {
      fullName,
      kind: kind as NamedDefinition['kind'],
      file: root.file,
      place: pointerText(place),
      flattened,
      idl: root.idl,
    }
    const previous = this.definitions.get(fullName)
    if (previous) {
      if (this.onDuplicate(previous, definition)) return fullName
    }
    // Registered before walking fields: a record may refer to itself.
    this.definitions.set(fullName, definition)
    if (kind === 'record' || kind === 'error') {
      flattened.fields = (o.fields as Record<string, unknown>[]).map((field, i) => {
        const fp = childPointer(childPointer(place, 'fields'), i)
        if (field.default !== undefined) {
          this.defaults.push({
            owner: fullName,
            field: field.name as string,
            index: i,
            file: root.file,
            place: pointerText(childPointer(fp, 'default')),
          })
        }
        return { ...field, type: this.walk(field.type, innerNs, childPointer(fp, 'type'), root) }
      })
    } else if (kind === 'enum' && (o.symbols as unknown[]).length === 0) {
      // Stricter than Avro (which allows none): an enum with no symbols has no TypeScript type to emit.
      this.fail(root, childPointer(place, 'symbols'), `enum ${fullName} needs a non-empty "symbols" array`)
    }
    return fullName
  }
}

/** JSON with sorted keys: IDL imports may list the same type's attributes in another order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}

function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

/** Strongly connected components of the reference graph, dependencies first (Tarjan). */
function orderComponents(
  nodes: readonly string[],
  edges: ReadonlyMap<string, readonly string[]>,
): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  // Iterative, so deep chains of types cannot overflow the call stack.
  for (const start of nodes) {
    if (indices.has(start)) continue
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }]
    indices.set(start, index)
    low.set(start, index++)
    stack.push(start)
    onStack.add(start)
    while (work.length) {
      const frame = work.at(-1)!
      const deps = edges.get(frame.node) ?? []
      if (frame.next < deps.length) {
        const dep = deps[frame.next++]!
        if (!indices.has(dep)) {
          indices.set(dep, index)
          low.set(dep, index++)
          stack.push(dep)
          onStack.add(dep)
          work.push({ node: dep, next: 0 })
        } else if (onStack.has(dep)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, indices.get(dep)!))
        }
        continue
      }
      work.pop()
      const parent = work.at(-1)
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!))
      if (low.get(frame.node) === indices.get(frame.node)) {
        const component: string[] = []
        let n: string
        do {
          n = stack.pop()!
          onStack.delete(n)
          component.push(n)
        } while (n !== frame.node)
        out.push(component.sort((a, b) => (nodes.indexOf(a) < nodes.indexOf(b) ? -1 : 1)))
      }
    }
  }
  return out
}

function collectRefs(node: unknown, into: Set<string>): void {
  if (typeof node === 'string') {
    if (!AVRO_PRIMITIVES.has(node)) into.add(node)
  } else if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, into)
  } else if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>
    if (Array.isArray(o.fields)) for (const f of o.fields as { type: unknown }[]) collectRefs(f.type, into)
    if (o.type === 'array') collectRefs(o.items, into)
    else if (o.type === 'map') collectRefs(o.values, into)
    else if (typeof o.type !== 'string' || !(AVRO_PRIMITIVES.has(o.type) || AVRO_NAMED_KINDS.has(o.type)))
      collectRefs(o.type, into)
  }
}

function avscFailure(error: unknown, def: { file: string; place: string }, what: string): CodegenError {
  return new CodegenError('KAFKIT_CODEGEN_INVALID_SCHEMA', `${what}: ${(error as Error).message}`, def, error)
}

/** Reads, resolves and compiles every schema under `inputs`. Throws `CodegenError` on the first bad input. */
export async function loadSchemaSet(
  inputs: readonly string[],
  longMode: LongMode = 'number',
): Promise<SchemaSet> {
  const files = await findSchemaFiles(inputs)
  const walker = new Walker((prev, next) => {
    // IDL imports repeat the imported file's types: identical definitions from IDL are the same type.
    if ((prev.idl || next.idl) && deepEqual(prev.flattened, next.flattened)) return true
    throw new CodegenError(
      'KAFKIT_CODEGEN_DUPLICATE_NAME',
      `${next.fullName} is defined twice (also in ${prev.file} at ${prev.place})`,
      { file: next.file, place: next.place },
    )
  })
  // Read in parallel (I/O), walk in sorted order (deterministic names and errors).
  const rootsByFile = await Promise.all(files.map((file) => readRoots(file)))
  for (const roots of rootsByFile) for (const root of roots) walker.addRoot(root)

  for (const ref of walker.references) {
    if (!walker.definitions.has(ref.fullName)) {
      const hint =
        ref.written === ref.fullName ? '' : ` (resolved as ${ref.fullName} in the enclosing namespace)`
      throw new CodegenError(
        'KAFKIT_CODEGEN_UNKNOWN_TYPE',
        `unknown type ${JSON.stringify(ref.written)}${hint}: not a primitive and not defined in any input file`,
        { file: ref.file, place: ref.place },
      )
    }
  }

  const table: Record<string, unknown> = {}
  const names = [...walker.definitions.keys()]
  const edges = new Map<string, string[]>()
  for (const [name, def] of walker.definitions) {
    table[name] = def.flattened
    const refs = new Set<string>()
    collectRefs(def.flattened, refs)
    refs.delete(name)
    edges.set(name, [...refs].sort())
  }

  // Compile each group of mutually recursive types once, dependencies first. Each parse gets a small
  // registry holding only the types it refers to: avsc copies the whole registry for every logical
  // type it meets, so one shared registry would make this quadratic.
  const types = new Map<string, avro.Type>()
  const registryFor = (refs: Iterable<string>): Record<string, avro.Type> => {
    const registry: Record<string, avro.Type> = {}
    for (const ref of refs) {
      const t = types.get(ref)
      if (t) registry[ref] = t
    }
    return registry
  }
  for (const component of orderComponents(names, edges)) {
    const first = walker.definitions.get(component[0]!)!
    const schema = avroSchemaOf(first.fullName, table, types)
    const options = avroTypeOptions({ longMode })
    const registry = registryFor(component.flatMap((name) => edges.get(name) ?? []))
    options.registry = registry
    try {
      avro.Type.forSchema(schema as avro.Schema, options)
    } catch (error) {
      throw locateFailure(error, component, walker, table, types, longMode)
    }
    for (const name of component) {
      const t = registry[name]
      if (!t) throw avscFailure(new Error('type missing after parse'), first, `cannot compile ${name}`)
      types.set(name, t)
    }
  }
  for (const { root, flattened } of walker.unnamedRoots) {
    const refs = new Set<string>()
    collectRefs(flattened, refs)
    try {
      avro.Type.forSchema(flattened as avro.Schema, {
        ...avroTypeOptions({ longMode }),
        registry: registryFor(refs),
      })
    } catch (error) {
      throw avscFailure(error, { file: root.file, place: pointerText(root.place) }, 'invalid schema')
    }
  }
  return { files, longMode, definitions: walker.definitions, types, table }
}

/** avsc says what is wrong but not where: retry field by field to find the place. */
function locateFailure(
  error: unknown,
  component: readonly string[],
  walker: Walker,
  table: AvroDefinitions,
  types: ReadonlyMap<string, avro.Type>,
  longMode: LongMode,
): CodegenError {
  const message = (error as Error).message
  if (/default/.test(message)) {
    for (const use of walker.defaults) {
      if (!component.includes(use.owner)) continue
      const def = table[use.owner] as { fields: { type: unknown; default: unknown; name: string }[] }
      const field = def.fields[use.index]!
      const registry: Record<string, avro.Type> = {}
      for (const [k, t] of types) registry[k] = t
      let fieldType: avro.Type
      try {
        const schema = avroSchemaOf(use.owner, table, types)
        const parsed = avro.Type.forSchema(
          { ...(schema as object), fields: [{ ...field, default: undefined }] } as avro.Schema,
          { ...avroTypeOptions({ longMode }), registry },
        ) as avro.types.RecordType
        fieldType = parsed.fields[0]!.type
      } catch {
        continue
      }
      try {
        ;(fieldType as unknown as { _copy: (v: unknown, o: object) => unknown })._copy(field.default, {
          coerce: 2,
          wrap: 2,
        })
      } catch (e) {
        const union = avro.Type.isType(fieldType, 'union')
        return new CodegenError(
          'KAFKIT_CODEGEN_BAD_DEFAULT',
          `default ${JSON.stringify(field.default)} of field ${use.field} in ${use.owner} does not match its type` +
            `${union ? ' (a union default must match the first branch)' : ''}: ${(e as Error).message}`,
          { file: use.file, place: use.place },
          error,
        )
      }
    }
  }
  const def = walker.definitions.get(component[0]!)!
  return avscFailure(error, def, `invalid schema ${def.fullName}`)
}
