// Kafkit needs Node ^22.22.0 || >=24.6.0 (`engines`). On an older Node its modules fail while loading
// (a SyntaxError about node:zlib's zstd exports), which says nothing useful: the CLI checks first and
// says what to do. Plain JavaScript that any Node since 14 can run.

export const SUPPORTED_NODE = '^22.22.0 || >=24.6.0'

/** Why Kafkit cannot run on this Node version (`process.versions.node`), or undefined when it can. */
export function unsupportedNode(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number)
  if ((major === 22 && minor >= 22) || (major === 24 && minor >= 6) || major >= 25) return undefined
  return (
    `kafkit: Node ${version} is not supported; Kafkit needs Node ${SUPPORTED_NODE} (22.22+, 24.6+ or 26). ` +
    'Install a supported Node (for example `nvm install 24`), or run this command under one from npm: ' +
    '`npx -p node@24 -- kafkit ...`'
  )
}
