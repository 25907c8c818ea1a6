// The `kafkit kafka` commands' own bookkeeping (which cluster `up` started, where its data lives), so
// `status`, `down` and `stop-node` find it again. For the kafkit CLI; not part of the library's API.
export {
  currentClusterDataDir,
  currentClusterFile,
  defaultRunDir,
  forgetCurrentCluster,
  readClusterState,
  rememberCurrentCluster,
  stateFile,
} from './state'
