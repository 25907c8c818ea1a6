import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import {
  AvroDeserializer,
  AvroSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'
import type { SchemaRegistry as CsrRegistry } from '@kafkajs/confluent-schema-registry'
import type { SchemaRegistry } from '@kafkit/client'
import { AvroDecoder, encodeAvro, SchemaCache, validateSide } from '@kafkit/client/serdes'
import type { AvroSerdeDescriptor } from '@kafkit/common'
import { type BenchEvent, makeEvent } from '../payload'
import type { Progress } from '../progress'
import type { Measurements } from './kafka'

export interface SerdeSettings {
  readonly runs: number
  readonly ops: number
  /** The registry's URL, for @confluentinc/schemaregistry's own client. */
  readonly registryUrl: string
  /** The subject the bench schema is registered under (Confluent's serde looks it up by topic). */
  readonly topic: string
}

export interface SerdeMeasurements {
  readonly encode: Measurements
  readonly decode: Measurements
  /** Bytes allocated per operation (heap growth with GC off, per run). */
  readonly encodeAlloc: Measurements
  readonly decodeAlloc: Measurements
  /** Encoded sizes in bytes, by format. */
  readonly sizes: { readonly json: number; readonly avro: number }
}

export const SERDE_LABELS = {
  json: 'JSON',
  csr: 'csr (Avro)',
  confluent: '@confluentinc/schemaregistry (Avro)',
  kafkit: 'Kafkit (validated Avro)',
  kafkitNoCheck: 'Kafkit (Avro, validate: false)',
} as const

type Op = (i: number) => unknown

async function timeOps(ops: number, op: Op, isAsync: boolean): Promise<number> {
  const t0 = performance.now()
  if (isAsync) for (let i = 0; i < ops; i++) await op(i)
  else for (let i = 0; i < ops; i++) op(i)
  return ops / ((performance.now() - t0) / 1000)
}

// The GC handle without a node flag: `npm run bench` starts through tsx.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as (() => void) | undefined

/**
 * Bytes allocated per operation: heap growth over a short burst right after a full GC (--expose-gc,
 * set at run time). The burst is small enough that no scavenge runs inside it on V8's default
 * young generation, so what is measured is what the operations allocated, garbage included.
 */
async function allocPerOp(op: Op, isAsync: boolean): Promise<number> {
  if (!gc) return Number.NaN
  const burst = 200
  gc()
  const before = process.memoryUsage().heapUsed
  if (isAsync) for (let i = 0; i < burst; i++) await op(i)
  else for (let i = 0; i < burst; i++) op(i)
  const after = process.memoryUsage().heapUsed
  return Math.max(0, after - before) / burst
}

/**
 * Serde alone, no Kafka: encode and decode of the same 1 KB event with JSON, with
 * @kafkajs/confluent-schema-registry and with Kafkit's serdes (both framing the Confluent wire format
 * with a schema id already cached, as in a running app).
 */
export async function serdeSuite(
  options: {
    readonly csr: CsrRegistry
    readonly registry: SchemaRegistry
    readonly schemaId: number
    readonly serde: AvroSerdeDescriptor<BenchEvent>
    readonly settings: SerdeSettings
  },
  progress: Progress,
): Promise<SerdeMeasurements> {
  const { csr, registry, schemaId, serde, settings } = options
  const confluentClient = new SchemaRegistryClient({ baseURLs: [settings.registryUrl] })
  const confluentSer = new AvroSerializer(confluentClient, SerdeType.VALUE, { useLatestVersion: true })
  const confluentDe = new AvroDeserializer(confluentClient, SerdeType.VALUE, {})
  const events = Array.from({ length: 1000 }, (_, i) => makeEvent(i, 1_700_000_000_000 + i))
  const pick = (i: number) => events[i % events.length]!
  const json = events.map((e) => Buffer.from(JSON.stringify(e)))
  const avro = await Promise.all(events.map((e) => csr.encode(schemaId, e)))
  const decoder = new AvroDecoder<BenchEvent>(serde, new SchemaCache(registry))
  await decoder.decode(avro[0]!)
  // Both Avro encoders must produce the same bytes, or the comparison is meaningless.
  const mine = encodeAvro(serde.type, schemaId, validateSide('bench', 'value', serde, events[1]))
  if (!mine.equals(avro[1]!)) throw new Error('Kafkit and csr encode the bench event differently')
  const theirs = await confluentSer.serialize(settings.topic, events[1])
  if (!theirs.equals(avro[1]!))
    throw new Error('Kafkit and @confluentinc/schemaregistry encode the bench event differently')

  const encoders: [string, Op, boolean][] = [
    [SERDE_LABELS.json, (i) => Buffer.from(JSON.stringify(pick(i))), false],
    [SERDE_LABELS.csr, (i) => csr.encode(schemaId, pick(i)), true],
    [SERDE_LABELS.confluent, (i) => confluentSer.serialize(settings.topic, pick(i)), true],
    [
      SERDE_LABELS.kafkit,
      (i) => encodeAvro(serde.type, schemaId, validateSide('bench', 'value', serde, pick(i))),
      false,
    ],
    [SERDE_LABELS.kafkitNoCheck, (i) => encodeAvro(serde.type, schemaId, pick(i)), false],
  ]
  const decoders: [string, Op, boolean][] = [
    [SERDE_LABELS.json, (i) => JSON.parse(json[i % json.length]!.toString('utf8')), false],
    [SERDE_LABELS.csr, (i) => csr.decode(avro[i % avro.length]!), true],
    [SERDE_LABELS.confluent, (i) => confluentDe.deserialize(settings.topic, avro[i % avro.length]!), true],
    [SERDE_LABELS.kafkit, (i) => decoder.decode(avro[i % avro.length]!), true],
  ]
  const encode: Measurements = new Map()
  const decode: Measurements = new Map()
  const encodeAlloc: Measurements = new Map()
  const decodeAlloc: Measurements = new Map()
  // Warm up every path once so the first run is not the JIT's.
  for (const [, op, isAsync] of [...encoders, ...decoders])
    await timeOps(Math.min(2000, settings.ops), op, isAsync)
  for (let run = 0; run < settings.runs; run++) {
    for (const [label, op, isAsync] of encoders) {
      const rate = await timeOps(settings.ops, op, isAsync)
      encode.set(label, [...(encode.get(label) ?? []), rate])
      const bytes = await allocPerOp(op, isAsync)
      encodeAlloc.set(label, [...(encodeAlloc.get(label) ?? []), bytes])
    }
    for (const [label, op, isAsync] of decoders) {
      const rate = await timeOps(settings.ops, op, isAsync)
      decode.set(label, [...(decode.get(label) ?? []), rate])
      const bytes = await allocPerOp(op, isAsync)
      decodeAlloc.set(label, [...(decodeAlloc.get(label) ?? []), bytes])
    }
    progress.step(`serde run ${run + 1}/${settings.runs} done`)
  }
  return { encode, decode, encodeAlloc, decodeAlloc, sizes: { json: json[1]!.length, avro: avro[1]!.length } }
}
