/**
 * `@kafkit/common/avsc-compile`: a building block for Kafkit's own per-schema compilers (common's
 * checker, the client's reader and writer): which avsc class a type is, avsc's inline primitive checks,
 * and the builder of the compiled functions. Not for applications.
 */
export {
  type AvscField,
  type AvscKind,
  avscKind,
  CompiledSource,
  itemsType,
  primitiveCheck,
  recordFields,
  unionBranches,
  valuesType,
} from './avro/compile'
