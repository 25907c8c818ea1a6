import { defineErrors, isKafkitError, KafkitError, type KafkitErrorOptions } from '@kafkit/common'

/** Every error code this package throws; docs/errors.md is generated from this table. */
export const ERROR_DEFINITIONS = defineErrors({
  KAFKIT_KAFKA_LOCAL_JAVA_NOT_FOUND: {
    message:
      'Java 17 or newer is needed to run Kafka: install a JDK 17+ (e.g. openjdk-17-jdk-headless) or set JAVA_HOME',
  },
  KAFKIT_KAFKA_LOCAL_JAVA_TOO_OLD: {
    message:
      'The Java found is older than 17, which Kafka 4 needs: install a JDK 17+ or point JAVA_HOME at one',
  },
  KAFKIT_KAFKA_LOCAL_MAVEN_NOT_FOUND: {
    message:
      'Maven (mvn) is needed once to download the Kafka jars: install Maven 3.6+ (e.g. apt-get install maven)',
  },
  KAFKIT_KAFKA_LOCAL_JAR_RESOLUTION_FAILED: {
    message: 'Maven could not download the Kafka broker jars (see the quoted Maven output)',
    canRetry: true,
  },
  KAFKIT_KAFKA_LOCAL_FORMAT_FAILED: {
    message: 'Formatting the KRaft storage directory failed (see the quoted tool output)',
  },
  KAFKIT_KAFKA_LOCAL_TLS_FAILED: {
    message:
      "Making the secured listeners' throwaway CA and broker certificate with the JDK's keytool failed (see the quoted output)",
  },
  KAFKIT_KAFKA_LOCAL_PORT_IN_USE: {
    message: 'A port the broker needs is already in use: pick another basePort or stop what listens there',
    canRetry: true,
  },
  KAFKIT_KAFKA_LOCAL_NO_FREE_PORTS: {
    message:
      'No free block of ports was found for the cluster: stop brokers you no longer need, or pass basePort (KAFKA_BASE_PORT) yourself',
    canRetry: true,
  },
  KAFKIT_KAFKA_LOCAL_START_FAILED: {
    message: 'A Kafka broker process exited while starting (see the quoted broker log lines)',
  },
  KAFKIT_KAFKA_LOCAL_START_TIMEOUT: {
    message: 'The Kafka cluster did not become ready in time (see the quoted broker log lines)',
    canRetry: true,
  },
  KAFKIT_KAFKA_LOCAL_START_ABORTED: {
    message: 'The start was aborted (signal or Ctrl-C); the nodes started so far were stopped',
  },
  KAFKIT_KAFKA_LOCAL_UNKNOWN_NODE: {
    message: 'There is no node with this id in the cluster (node ids are 1..nodes)',
  },
  KAFKIT_KAFKA_LOCAL_NODE_RUNNING: {
    message: 'The node is already running: stop it first with stopNode',
  },
  KAFKIT_KAFKA_LOCAL_CLUSTER_STOPPED: {
    message: 'The cluster was stopped; start a new one with startKafka',
  },
  KAFKIT_KAFKA_LOCAL_NOT_RUNNING: {
    message: 'No local Kafka cluster started by kafkit was found (start one with `kafkit kafka up`)',
  },
  KAFKIT_KAFKA_LOCAL_ALREADY_RUNNING: {
    message:
      'A local Kafka cluster started by kafkit is already running there: stop it with `kafkit kafka down`',
  },
  KAFKIT_KAFKA_LOCAL_STATE_INVALID: {
    message: 'The kafkit cluster state file is unreadable or from another version',
  },
})

export type KafkaLocalErrorCode = keyof typeof ERROR_DEFINITIONS | 'KAFKIT_INVALID_OPTIONS'

/** Every error thrown by @kafkit/kafka-local. */
export class KafkaLocalError extends KafkitError {
  constructor(code: KafkaLocalErrorCode, message: string, options: KafkitErrorOptions = {}) {
    const canRetry =
      code === 'KAFKIT_INVALID_OPTIONS' ? false : (ERROR_DEFINITIONS[code] as { canRetry?: boolean }).canRetry
    super(code, message, { canRetry: canRetry ?? false, ...options })
  }
}

/** Narrows to a KafkaLocalError, optionally of one code. */
export function isKafkaLocalError(error: unknown, code?: KafkaLocalErrorCode): error is KafkaLocalError {
  return isKafkitError(error, code)
}
