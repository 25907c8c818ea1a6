import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KafkitError } from '@kafkit/common'
import type { Command } from 'commander'

/** The suite lives in the repository's private `bench` workspace, not in the published CLI. */
function findBenchRunner(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bench', 'src', 'run.ts')
    if (existsSync(candidate)) return candidate
    dir = dirname(dir)
  }
  return undefined
}

/** Registers the `bench` command(s) on the program, only inside the Kafkit repository (a dev-only command). */
export function registerBenchCommands(program: Command): void {
  if (findBenchRunner() === undefined) return
  program
    .command('bench')
    .description(
      'run the benchmark suite (Kafkit vs kafkajs, csr, @platformatic/kafka) from the Kafkit repository; same as `npm run bench`',
    )
    .option('--quick', 'a fast smoke run of the harness (does not update docs/benchmarks.md)')
    .option(
      '--only <suites>',
      'comma-separated: serde,codegen,registry,produce,consume,latency,registry-kafka',
    )
    .action(async (flags: { quick?: boolean; only?: string }) => {
      const runner = findBenchRunner()
      if (!runner) {
        throw new KafkitError(
          'KAFKIT_INVALID_OPTIONS',
          'the benchmark suite ships with the Kafkit repository, not the published CLI: clone the repository, run `npm ci`, then `npm run bench`',
        )
      }
      const args = [...(flags.quick ? ['--quick'] : []), ...(flags.only ? ['--only', flags.only] : [])]
      const code = await new Promise<number>((resolve, reject) => {
        // From the repository root, so `--import tsx` resolves from its node_modules wherever kafkit runs.
        const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', runner, ...args], {
          stdio: 'inherit',
          cwd: dirname(dirname(dirname(runner))),
        })
        child.on('error', reject)
        child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)))
      })
      if (code !== 0) process.exitCode = code
    })
}
