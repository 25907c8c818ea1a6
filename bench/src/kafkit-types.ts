import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AvroSerdeDescriptor, StringSerdeDescriptor, TopicDescriptor } from '@kafkit/common'
import type { BenchEvent } from './payload'

const generatedDir = fileURLToPath(new URL('../.generated/', import.meta.url))
const schemasDir = fileURLToPath(new URL('../schemas/', import.meta.url))

export type BenchTopic = TopicDescriptor<string, StringSerdeDescriptor, AvroSerdeDescriptor<BenchEvent>>

export interface KafkitBenchTypes {
  /** The generated descriptor for topic `bench-events`. */
  readonly topic: BenchTopic
  /** The generated serde of dev.kafkit.bench.BenchEvent. */
  readonly serde: AvroSerdeDescriptor<BenchEvent>
  /** The same descriptor for another topic name (subjects follow TopicNameStrategy). */
  forTopic(name: string): BenchTopic
}

/**
 * Runs the real codegen on bench/schemas into bench/.generated and imports the result, so the Kafkit
 * peers measure exactly what `kafkit codegen` emits today (generated .ts is loaded through tsx).
 */
export async function loadKafkitTypes(): Promise<KafkitBenchTypes> {
  const { generate } = await import('@kafkit/codegen')
  const result = await generate({
    schemas: schemasDir,
    topics: { 'bench-events': { key: 'string', value: 'dev.kafkit.bench.BenchEvent' } },
  })
  await rm(generatedDir, { recursive: true, force: true })
  for (const file of result.files) {
    const path = join(generatedDir, file.path)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, file.contents)
  }
  const mod = (await import(join(generatedDir, 'index.ts'))) as {
    benchEventsTopic: BenchTopic
    dev_kafkit_bench: { BenchEventSerde: AvroSerdeDescriptor<BenchEvent> }
  }
  const topic = mod.benchEventsTopic
  return {
    topic,
    serde: mod.dev_kafkit_bench.BenchEventSerde,
    forTopic: (name) => ({ ...topic, name, subjects: { key: undefined, value: `${name}-value` } }),
  }
}
