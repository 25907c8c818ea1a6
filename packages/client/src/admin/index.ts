import { TopicAdmin } from './admin'
import type { TopicAdminOptions } from './options'

export { TopicAdmin } from './admin'
export {
  type TopicAdminOptions,
  type TopicDeclaration,
  topicAdminOptionsSchema,
} from './options'
export { type ClusterState, declaredConfigs, planTopics } from './plan'
export type * from './types'

/** Declares topics in code; `ensureTopics()` reconciles the cluster with them. */
export function createTopicAdmin(options: TopicAdminOptions): TopicAdmin {
  return new TopicAdmin(options)
}
