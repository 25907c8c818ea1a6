import {
  type SerdeDescriptor,
  type SubjectNameStrategy,
  subjectName,
  type TopicDescriptor,
} from '@kafkit/common'
import { ClientError } from '../errors'

/**
 * The registry subject for one side of a topic: the descriptor's precomputed subject, or, when the
 * caller overrides the strategy, Confluent's TopicNameStrategy (`<topic>-key|value`),
 * RecordNameStrategy (`<record full name>`) or TopicRecordNameStrategy (`<topic>-<record full name>`).
 */
export function subjectFor(
  topic: TopicDescriptor,
  side: 'key' | 'value',
  strategy: SubjectNameStrategy | undefined,
): string | undefined {
  const serde = topic[side] as SerdeDescriptor
  if (serde.kind !== 'avro') return undefined
  if (strategy === undefined || strategy === topic.subjectNameStrategy) {
    const precomputed = topic.subjects[side]
    if (precomputed !== undefined) return precomputed
  }
  try {
    return subjectName(strategy ?? topic.subjectNameStrategy, topic.name, side, serde.fullName)
  } catch (error) {
    throw new ClientError('KAFKIT_INVALID_OPTIONS', (error as Error).message, { cause: error })
  }
}
