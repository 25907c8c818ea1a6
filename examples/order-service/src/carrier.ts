import { createHash } from 'node:crypto'
import { FatalError } from '@kafkit/client'
import type { com_kafkit_orders, com_kafkit_shipping } from './generated'

/** A refusal no retry can fix: FatalError tells the group consumer to dead-letter at once. */
export class CarrierRefusedError extends FatalError {
  override readonly name = 'CarrierRefusedError'
  readonly code = 'CARRIER_REFUSED'
}

const SERVED = new Set(['NL', 'BE', 'DE', 'FR', 'US'])

/**
 * Stands in for a carrier's booking API (the example runs offline): it times out on its first
 * `outages` calls, then books; it refuses destinations it does not serve, which no retry fixes.
 */
export class CarrierApi {
  #outagesLeft: number
  calls = 0

  constructor(options: { outages: number }) {
    this.#outagesLeft = options.outages
  }

  async book(
    order: com_kafkit_orders.OrderPlaced,
  ): Promise<{ carrier: com_kafkit_shipping.Carrier; trackingCode: string }> {
    this.calls += 1
    if (!SERVED.has(order.shipTo.country)) {
      throw new CarrierRefusedError(`no carrier serves country '${order.shipTo.country}'`)
    }
    if (this.#outagesLeft > 0) {
      this.#outagesLeft -= 1
      throw new Error('carrier API timed out (HTTP 504)')
    }
    const carrier = order.shipTo.country === 'US' ? 'UPS' : order.shipTo.country === 'NL' ? 'POSTNL' : 'DHL'
    const trackingCode = createHash('sha256').update(order.orderId).digest('hex').slice(0, 12).toUpperCase()
    return { carrier, trackingCode }
  }
}
