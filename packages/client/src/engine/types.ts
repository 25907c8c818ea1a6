/**
 * The seam between Kafkit and a Kafka protocol client. Only the operations Kafkit needs, in plain
 * data (Buffers, strings for offsets), so another engine (@confluentinc/kafka-javascript,
 * @platformatic/kafka) can implement it without touching producers, consumers or serdes.
 */

export type EngineHeaders = Record<string, Buffer | string | undefined>

export interface EngineMessage {
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** Always set: Kafkit partitions records itself (Java-compatible murmur2). */
  readonly partition: number
  readonly headers?: EngineHeaders | undefined
  /** Milliseconds since the epoch, as a decimal string. */
  readonly timestamp?: string | undefined
}

export interface EngineTopicMessages {
  readonly topic: string
  readonly messages: readonly EngineMessage[]
}

export interface EngineRecordMetadata {
  readonly topic: string
  readonly partition: number
  /** Offset of the first record of this request on that partition. */
  readonly baseOffset: string | undefined
}

export interface EngineProducerOptions {
  readonly idempotent: boolean
  /** -1 = all in-sync replicas, 1 = leader, 0 = none. */
  readonly acks: -1 | 0 | 1
  readonly retries: number
  readonly timeoutMs: number
  readonly compression: EngineCompression
}

/**
 * Batch compression codecs. The kafkajs engine speaks none, gzip and zstd (Node's zlib); snappy and
 * lz4 need the platformatic engine. Either engine's consumers read every codec it can write.
 */
export type EngineCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

export interface EngineProducer {
  connect(): Promise<void>
  disconnect(): Promise<void>
  /**
   * Sends the records; resolves with one entry per (topic, partition) the broker acknowledged per
   * `acks`, and must never list a partition it has no acknowledgement for. When some partitions
   * failed, it rejects with an error whose `acked` property (see `EngineSendError`) lists the ones
   * that were acknowledged. Kafkit checks every send against this (producer/delivery.ts).
   */
  send(batches: readonly EngineTopicMessages[]): Promise<EngineRecordMetadata[]>
}

/** The shape of a rejection from `EngineProducer.send` when part of the records were acknowledged. */
export interface EngineSendError extends Error {
  readonly acked?: readonly EngineRecordMetadata[] | undefined
}

export interface EngineRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: string
  readonly timestamp: string
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: Readonly<Record<string, Buffer | undefined>>
}

export interface EngineBatch {
  readonly topic: string
  readonly partition: number
  readonly records: readonly EngineRecord[]
  /** The partition's end offset when this batch was fetched (for lag), when the engine knows it. */
  readonly highWatermark?: string | undefined
  /** Marks `offset` as processed: the next commit stores offset + 1. */
  resolveOffset(offset: string): void
  heartbeat(): Promise<void>
  /** Commits resolved offsets when the auto-commit interval/threshold says so. */
  commitOffsetsIfNecessary(): Promise<void>
  /** False once the consumer is stopping or the partition was revoked: stop processing this batch. */
  isActive(): boolean
}

export interface EngineConsumerOptions {
  readonly groupId: string
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly maxBytesPerPartition: number
  /** Decides, on a crash, whether the engine rejoins and carries on (false = stop for good). */
  readonly restartOnFailure: (error: Error) => boolean
  /** Called when the consumer stopped because of an error and will not restart. */
  readonly onCrash: (error: Error) => void
  /** Called after offsets were committed to the group (next offsets to read). */
  readonly onCommit?: ((offsets: { topic: string; partition: number; offset: string }[]) => void) | undefined
  /** Longest time the broker holds a fetch waiting for `minBytes` (batching by time). */
  readonly maxWaitTimeMs?: number | undefined
  readonly minBytes?: number | undefined
}

export interface EngineTopicPartitions {
  readonly topic: string
  readonly partitions?: readonly number[] | undefined
}

export interface EngineConsumer {
  connect(): Promise<void>
  subscribe(options: { topics: readonly string[]; fromBeginning: boolean }): Promise<void>
  /** Starts fetching; resolves once the consumer is running. Batches are handled one partition at a time. */
  run(options: {
    eachBatch: (batch: EngineBatch) => Promise<void>
    partitionsConsumedConcurrently: number
  }): Promise<void>
  pause(topics: readonly EngineTopicPartitions[]): void
  resume(topics: readonly EngineTopicPartitions[]): void
  commitOffsets(offsets: readonly { topic: string; partition: number; offset: string }[]): Promise<void>
  stop(): Promise<void>
  disconnect(): Promise<void>
}

export interface EngineTopicDescription {
  readonly name: string
  readonly partitions: readonly { readonly partition: number; readonly replicas: readonly number[] }[]
}

export interface EngineTopicConfigEntry {
  readonly name: string
  readonly value: string | null
  /** True when the value is the broker/cluster default, not set on the topic itself. */
  readonly isDefault: boolean
}

export interface EngineAdmin {
  connect(): Promise<void>
  disconnect(): Promise<void>
  listTopics(): Promise<string[]>
  /** Descriptions of the topics that exist (missing ones are left out). */
  describeTopics(topics: readonly string[]): Promise<EngineTopicDescription[]>
  /** Configs of the topics that exist (missing ones are left out). */
  describeTopicConfigs(topics: readonly string[]): Promise<Map<string, EngineTopicConfigEntry[]>>
  createTopics(
    topics: readonly {
      name: string
      /** -1: the broker's num.partitions. */
      partitions: number
      /** -1: the broker's default.replication.factor. */
      replicationFactor: number
      configs: Readonly<Record<string, string>>
    }[],
  ): Promise<void>
  createPartitions(topics: readonly { name: string; count: number }[]): Promise<void>
  /** Sets these topic configs, keeping every other config set on the topic as it is. */
  alterTopicConfigs(topic: string, configs: Readonly<Record<string, string>>): Promise<void>
  deleteTopics(topics: readonly string[]): Promise<void>
  /** End offset (high watermark) of every partition of a topic; optional for engines. */
  endOffsets?(topic: string): Promise<{ partition: number; offset: string }[]>
  /** Values of these broker settings as one broker reports them (null when unset); optional for engines. */
  describeBrokerConfigs?(names: readonly string[]): Promise<Record<string, string | null>>
}

/** One open transaction: sends and consumer offsets become visible together on commit, or never. */
export interface EngineTransaction {
  send(batches: readonly EngineTopicMessages[]): Promise<EngineRecordMetadata[]>
  /** Commits these consumer offsets (next offsets to read) as part of the transaction. */
  sendOffsets(
    groupId: string,
    offsets: readonly { topic: string; partition: number; offset: string }[],
  ): Promise<void>
  commit(): Promise<void>
  abort(): Promise<void>
}

export interface EngineTransactionalProducer {
  connect(): Promise<void>
  disconnect(): Promise<void>
  begin(): Promise<EngineTransaction>
}

/** Creates connections; one engine instance can serve several producers, consumers and admins. */
export interface KafkaEngine {
  readonly name: string
  producer(options: EngineProducerOptions): EngineProducer
  consumer(options: EngineConsumerOptions): EngineConsumer
  admin(): EngineAdmin
  /** Transactions (exactly-once consume-transform-produce); optional for engines. */
  transactionalProducer?(options: { transactionalId: string; timeoutMs: number }): EngineTransactionalProducer
}
