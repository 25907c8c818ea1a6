import { renameTopic } from 'kafkit-example-support'
import { ordersDltTopic, ordersTopic, shipmentsTopic } from './generated'

/** The example's typed topics, named for one run (`orders-<runId>`, ...). */
export function orderServiceTopics(runId: string) {
  return {
    orders: renameTopic(ordersTopic, `orders-${runId}`),
    shipments: renameTopic(shipmentsTopic, `shipments-${runId}`),
    dlt: renameTopic(ordersDltTopic, `orders-dlt-${runId}`),
  }
}

export type OrderServiceTopics = ReturnType<typeof orderServiceTopics>
