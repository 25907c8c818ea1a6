export { ERROR_DEFINITIONS } from './errors'
