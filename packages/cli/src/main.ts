import { createProgram } from './program'

// Entry point of the `kafkit` binary: errors become a message and exit code 1, never a stack dump.
try {
  await createProgram().parseAsync(process.argv)
} catch (error) {
  const e = error as { code?: string; message?: string }
  process.stderr.write(`kafkit: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`)
  process.exitCode = 1
}
