import { runStandalone } from 'kafkit-example-support'
import { main } from './main'

await runStandalone('log-aggregation', main)
