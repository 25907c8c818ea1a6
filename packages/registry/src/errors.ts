import { defineErrors } from '@kafkit/common'

/** Every error code this package throws; docs/errors.md is generated from this table. */
export const ERROR_DEFINITIONS = defineErrors({})
