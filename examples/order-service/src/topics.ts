import { deadLetterTopicName } from '@kafkit/client'
import { renameTopic } from 'kafkit-example-support'
import { ordersTopic, shipmentsTopic } from './generated'

/** The example's typed topics, named for one run (`orders-<runId>`, ...). */
export function orderServiceTopics(runId: string) {
  const orders = renameTopic(ordersTopic, `orders-${runId}`)
  return {
    orders,
    shipments: renameTopic(shipmentsTopic, `shipments-${runId}`),
    /** Created by the shipping group consumer: the orders it gave up on, bytes as read plus provenance headers. */
    ordersDlt: deadLetterTopicName(orders.name),
  }
}

export type OrderServiceTopics = ReturnType<typeof orderServiceTopics>
