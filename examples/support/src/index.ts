export { generatedDrift } from './generated-drift'
export { type ExampleContext, type ExampleMain, runStandalone } from './standalone'
export { renameTopic, runId } from './topics'
export { waitFor } from './wait'
