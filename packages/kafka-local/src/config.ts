import { CONTROLLER_PORT_OFFSET } from './options'
import { type KafkaSecurityState, secureListenerEntries, securityProperties } from './security'

/** Small internal topics keep a fresh cluster quick to warm up. */
export const OFFSETS_TOPIC_PARTITIONS = 5

export interface NodeLayout {
  readonly id: number
  readonly port: number
  readonly controllerPort: number
}

/** Node i (1-based): PLAINTEXT = basePort + (i-1), CONTROLLER = basePort + 100 + (i-1). */
export function nodeLayout(basePort: number, nodes: number): NodeLayout[] {
  return Array.from({ length: nodes }, (_, i) => ({
    id: i + 1,
    port: basePort + i,
    controllerPort: basePort + CONTROLLER_PORT_OFFSET + i,
  }))
}

export type BrokerConfig = Readonly<Record<string, string | number | boolean>>

/**
 * server.properties for one combined broker+controller node. Static voters (controller.quorum.voters)
 * so storage is formatted without --standalone/--initial-controllers. Otherwise Kafka's own defaults
 * (auto topic creation included), except what a 1- or 3-node cluster and kafkajs need (docs/kafka-local.md).
 * `config` overrides any of them.
 */
export function renderServerProperties(
  node: NodeLayout,
  all: readonly NodeLayout[],
  logDir: string,
  config: BrokerConfig = {},
  security?: KafkaSecurityState,
): string {
  const n = all.length
  const secure = security ? secureListenerEntries(node) : { listeners: [], protocols: [] }
  const open = `PLAINTEXT://127.0.0.1:${node.port}`
  const rf = Math.min(3, n)
  const minIsr = n >= 3 ? 2 : 1
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': all.map((x) => `${x.id}@127.0.0.1:${x.controllerPort}`).join(','),
    listeners: [open, `CONTROLLER://127.0.0.1:${node.controllerPort}`, ...secure.listeners].join(','),
    'advertised.listeners': [open, ...secure.listeners].join(','),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': [
      'CONTROLLER:PLAINTEXT',
      'PLAINTEXT:PLAINTEXT',
      ...secure.protocols,
    ].join(','),
    'log.dirs': logDir,
    'num.partitions': n >= 3 ? 3 : 1,
    'default.replication.factor': rf,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': OFFSETS_TOPIC_PARTITIONS,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 5,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    // As in Kafka's own config/server.properties for development: groups start at once.
    'group.initial.rebalance.delay.ms': 0,
    // Without it the last nodes of a 3-node cluster may wait minutes for a controller that is gone.
    'controlled.shutdown.enable': false,
    // KIP-890 server-side verification answers a TxnOffsetCommit that races the previous transaction's
    // markers with NOT_COORDINATOR, which kafkajs 2.2.4's sendOffsets does not retry (fails right after an abort).
    'transaction.partition.verification.enable': false,
    // Fence a killed node after 6 s instead of 9 s, so leaders move while client retries still run.
    'broker.heartbeat.interval.ms': 1000,
    'broker.session.timeout.ms': 6000,
    'replica.lag.time.max.ms': 10_000,
    'log.segment.bytes': 16 * 1024 * 1024,
    'log.retention.check.interval.ms': 60_000,
    ...(security ? securityProperties(security) : {}),
    ...config,
  }
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`
}

/** Broker log4j2 config: everything to server.log in kafka.logs.dir, nothing on the console. */
export const BROKER_LOG4J2 = `status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = \${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
`

/** Tool (StorageTool) log4j2 config: warnings only, to stderr. */
export const TOOLS_LOG4J2 = `status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
`
