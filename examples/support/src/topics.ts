import { randomBytes } from 'node:crypto'
import { subjectName, type TopicDescriptor } from '@kafkit/common'

/** A short random id, so topics, groups and subjects of one run never meet those of another. */
export const runId = (): string => randomBytes(4).toString('hex')

/**
 * The same typed topic under another name (e.g. `orders-1a2b3c4d`), with its registry subjects
 * recomputed for that name: examples share one broker with other runs, so each run uses its own topics.
 */
export function renameTopic<T extends TopicDescriptor, const N extends string>(
  topic: T,
  name: N,
): Omit<T, 'name'> & { readonly name: N } {
  const subject = (side: 'key' | 'value') => {
    const serde = topic[side]
    return serde.kind === 'avro'
      ? subjectName(topic.subjectNameStrategy, name, side, serde.fullName)
      : undefined
  }
  return { ...topic, name, subjects: { key: subject('key'), value: subject('value') } }
}
