import { defineErrors } from './errors'

/** Codes shared by every package (configuration and options validation). */
export const ERROR_DEFINITIONS = defineErrors({
  KAFKIT_INVALID_OPTIONS: { message: 'Options passed to a Kafkit function are invalid' },
  KAFKIT_INVALID_JSON: {
    message: 'A text is not valid JSON: fix the syntax at the line and column given',
  },
  KAFKIT_SUBJECT_NEEDS_NAMED_TYPE: {
    message:
      "The record or topic-record subject name strategy needs a named Avro type (record, enum or fixed): name the type or use the 'topic' strategy",
  },
})
