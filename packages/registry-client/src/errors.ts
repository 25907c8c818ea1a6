import { defineErrors, KafkitError, type KafkitErrorOptions } from '@kafkit/common'

/** Every error code this package throws; docs/errors.md is generated from this table. */
export const ERROR_DEFINITIONS = defineErrors({
  KAFKIT_REGISTRY_HTTP_ERROR: {
    message: 'The schema registry answered with an error (see httpStatus and errorCode)',
  },
  KAFKIT_REGISTRY_NETWORK_ERROR: {
    message: 'The schema registry could not be reached (connection refused, reset or timed out)',
    canRetry: true,
  },
})

/** An error answer from a schema registry (ours or Confluent's), seen by `RegistryClient`. */
export class RegistryHttpError extends KafkitError {
  readonly httpStatus: number
  readonly errorCode: number

  constructor(httpStatus: number, errorCode: number, message: string, options: KafkitErrorOptions = {}) {
    super('KAFKIT_REGISTRY_HTTP_ERROR', message, {
      ...options,
      canRetry: options.canRetry ?? (httpStatus >= 500 || httpStatus === 429),
      details: { httpStatus, errorCode, ...options.details },
    })
    this.httpStatus = httpStatus
    this.errorCode = errorCode
  }
}

/** The registry could not be reached at all; retrying may help. */
export class RegistryNetworkError extends KafkitError {
  constructor(message: string, options: KafkitErrorOptions = {}) {
    super('KAFKIT_REGISTRY_NETWORK_ERROR', message, { ...options, canRetry: true })
  }
}
