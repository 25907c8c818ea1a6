import { ClientError } from '../errors'
import type { Logger } from '../logger'
import type { DeadLetterHandler, InvalidRecord, InvalidRecordPolicy } from './types'

/**
 * The policy step of the pipeline: resolves when the consumer may move past the invalid record,
 * throws (a KAFKIT_CLIENT_CONSUMER_FAILED error) when it must stop.
 */
export function createInvalidRecordStep(options: {
  policy: InvalidRecordPolicy
  logger: Logger
  /** Where `dead-letter` sends the record (the consumer's `deadLetterSink`). */
  sink?: DeadLetterHandler | undefined
}): (record: InvalidRecord) => Promise<void> {
  const { policy, logger, sink } = options
  const where = (r: InvalidRecord) => `${r.topic}[${r.partition}]@${r.offset}`
  return async (record) => {
    if (policy === 'skip') {
      logger.warn(
        {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          stage: record.stage,
          code: record.error.code,
        },
        `skipping invalid record ${where(record)} (${record.stage}): ${record.error.message}`,
      )
      return
    }
    if (policy === 'dead-letter' && sink) {
      try {
        await sink(record)
        logger.info(
          {
            topic: record.topic,
            offset: record.offset,
          },
          `dead-lettered invalid record ${where(record)}`,
        )
        return
      } catch (error) {
        throw new ClientError(
          'KAFKIT_CLIENT_CONSUMER_FAILED',
          `invalid record ${where(record)} could not be dead-lettered: ${(error as Error).message}`,
          {
            cause: error,
            details: { topic: record.topic, partition: record.partition, offset: record.offset },
          },
        )
      }
    }
    throw new ClientError(
      'KAFKIT_CLIENT_CONSUMER_FAILED',
      `invalid record ${where(record)} (${record.stage}), policy 'fail' stops the consumer: ${record.error.message}`,
      {
        cause: record.error,
        details: {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          stage: record.stage,
        },
      },
    )
  }
}
