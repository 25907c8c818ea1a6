import { defineErrors } from './errors'

/** Codes shared by every package (configuration and options validation). */
export const ERROR_DEFINITIONS = defineErrors({
  KAFKIT_INVALID_OPTIONS: { message: 'Options passed to a Kafkit function are invalid' },
})
