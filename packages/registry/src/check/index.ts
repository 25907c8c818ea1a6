export {
  checkSchemas,
  collectFolderSchemas,
  type FolderSubjectStrategy,
  type SchemaCheckEntry,
  type SchemaCheckResult,
  type SchemaCheckStatus,
} from './check-schemas'
