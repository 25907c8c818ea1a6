// Bundled into the build at build time, read from the package in source mode: never out of step.
import packageJson from '../package.json' with { type: 'json' }

export const version: string = packageJson.version
