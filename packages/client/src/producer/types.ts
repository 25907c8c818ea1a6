import type { KeyInputOf, TopicDescriptor, ValueInputOf } from '@kafkit/common'
import type { Partitioner } from '../partitioners'

/** Header values as Kafka carries them: strings are sent as UTF-8. */
export type RecordHeaders = Readonly<Record<string, string | Buffer>>

type KeyField<T extends TopicDescriptor> = T['key'] extends { readonly kind: 'null' }
  ? { readonly key?: null | undefined }
  : { readonly key: KeyInputOf<T> }

/** One record for topic `T`: key and value typed by its descriptor (input side). */
export type ProducerRecord<T extends TopicDescriptor> = KeyField<T> & {
  readonly value: ValueInputOf<T>
  readonly headers?: RecordHeaders | undefined
  /** Overrides the partitioner. */
  readonly partition?: number | undefined
  /** Milliseconds since the epoch or a Date; the broker's time when omitted. */
  readonly timestamp?: number | Date | undefined
}

export interface RecordMetadata {
  readonly topic: string
  readonly partition: number
  /** Offset the broker assigned, when it reported one (acks 0 does not). */
  readonly offset: string | undefined
  readonly keySchemaId: number | undefined
  readonly valueSchemaId: number | undefined
}

export type TopicNames<Topics extends readonly TopicDescriptor[]> = Topics[number]['name']
export type TopicByName<Topics extends readonly TopicDescriptor[], N> = Extract<
  Topics[number],
  { readonly name: N }
>

/** Custom partitioners per topic name, typed with that topic's value and key. */
export type TopicPartitioners<Topics extends readonly TopicDescriptor[]> = {
  readonly [T in Topics[number] as T['name']]?: Partitioner<ValueInputOf<T>, KeyInputOf<T>>
}
