import { type ChildProcess, spawn } from 'node:child_process'

/** A service started as its own process, with its output kept for assertions. */
export interface ServiceProcess {
  readonly proc: ChildProcess
  out(): string
  err(): string
  /** Exit code, or the signal that killed it; rejects when it is still alive after `ms`. */
  exit(ms: number): Promise<number | NodeJS.Signals>
}

/** Spawns `command args` in `cwd` with exactly `env`, collecting stdout and stderr. */
export function spawnService(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): ServiceProcess {
  const proc = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  proc.stdout?.on('data', (d) => {
    out += String(d)
  })
  proc.stderr?.on('data', (d) => {
    err += String(d)
  })
  const ended = new Promise<number | NodeJS.Signals>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? (signal as NodeJS.Signals))),
  )
  return {
    proc,
    out: () => out,
    err: () => err,
    exit: (ms) =>
      Promise.race([
        ended,
        new Promise<never>((_, reject) => {
          const t = setTimeout(
            () => reject(new Error(`still running ${ms} ms later; stdout: ${out}\nstderr: ${err}`)),
            ms,
          )
          ended.finally(() => clearTimeout(t))
        }),
      ]),
  }
}
