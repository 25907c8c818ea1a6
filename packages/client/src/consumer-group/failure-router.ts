import type { EngineHeaders, EngineRecord } from '../engine/types'
import { ClientError } from '../errors'
import type { Logger } from '../logger'
import type { ErrorClassification } from './classify'
import {
  DLT_HEADERS,
  deadLetterHeaders,
  deadLetterTopicName,
  type ErrorTopicPublisher,
  retryHeaders,
  retryTopicName,
} from './dead-letter'

export interface FailureRouterOptions {
  readonly groupId: string
  /** Send finally failed records to `<topic>-dlt`; false: stop the consumer instead. */
  readonly deadLetter: boolean
  /** Delay of each retry topic level (empty: no retry topics). */
  readonly delays: readonly number[]
  readonly classify: (error: unknown) => ErrorClassification
  /** The publisher of retry and dead-letter records; created when the consumer starts. */
  readonly publisher: () => ErrorTopicPublisher | undefined
  readonly logger: Logger
  readonly counters: { retryTopicSends: number; deadLettered: number }
}

/**
 * Where a record goes once its handler gave up: the next retry topic for a retriable error while
 * there is one, else the dead-letter topic, else (dead letters off) an error that stops the consumer.
 * A record that could not be sent is not handled: that also stops the consumer, so nothing past it
 * is committed.
 */
export class FailureRouter {
  readonly #o: FailureRouterOptions

  constructor(options: FailureRouterOptions) {
    this.#o = options
  }

  /** A handler failure after `attempts` calls in all (earlier rounds of retry topics included). */
  async afterFailure(
    record: EngineRecord,
    source: string,
    level: number,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const o = this.#o
    if (o.classify(error) === 'retriable' && level < o.delays.length) {
      const delay = o.delays[level] as number
      const headers = retryHeaders(
        record,
        { error, attempts, group: o.groupId, stage: 'handler' },
        Date.now() + delay,
      )
      await this.#send(retryTopicName(source, level + 1), record, headers, error)
      o.counters.retryTopicSends++
      return
    }
    await this.deadLetter(record, source, error, attempts, 'handler')
  }

  /** Straight to the dead-letter topic (a poison pill, or the last retry failed). */
  async deadLetter(
    record: EngineRecord,
    source: string,
    error: unknown,
    attempts: number,
    stage: string,
  ): Promise<void> {
    const o = this.#o
    const where = `${record.topic}[${record.partition}]@${record.offset}`
    if (!o.deadLetter) {
      throw new ClientError(
        'KAFKIT_CLIENT_CONSUMER_FAILED',
        `record ${where} failed after ${attempts} attempt(s) and dead-lettering is off: ${(error as Error)?.message ?? String(error)}`,
        {
          cause: error,
          details: { topic: record.topic, partition: record.partition, offset: record.offset },
        },
      )
    }
    const headers = deadLetterHeaders(record, { error, attempts, group: o.groupId, stage })
    await this.#send(deadLetterTopicName(source), record, headers, error)
    o.counters.deadLettered++
    o.logger.warn(
      {
        error: headers[DLT_HEADERS.errorMessage],
        attempts,
      },
      `dead-lettered ${where} to ${deadLetterTopicName(source)}`,
    )
  }

  async #send(topic: string, record: EngineRecord, headers: EngineHeaders, cause: unknown): Promise<void> {
    try {
      await (this.#o.publisher() as ErrorTopicPublisher).send(topic, record, headers)
    } catch (error) {
      // Not sent means not handled: stop rather than commit past the record.
      throw new ClientError(
        'KAFKIT_CLIENT_CONSUMER_FAILED',
        `could not send ${record.topic}[${record.partition}]@${record.offset} to '${topic}': ${(error as Error).message}`,
        { cause: error, details: { topic, original: (cause as Error)?.message } },
      )
    }
  }
}
