import { fixKafkajsRequestQueue as fix } from '@kafkit/common'
// kafkajs 2.2.4 ships no types for its internals.
// @ts-expect-error untyped CommonJS module inside kafkajs (version pinned in package.json)
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js'

/** This package's copy of kafkajs, fixed (see `fixKafkajsRequestQueue` in @kafkit/common). */
export function fixKafkajsRequestQueue(): void {
  fix(RequestQueue)
}
