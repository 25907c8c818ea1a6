import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Runs the real `kafkit` binary (packages/cli/bin/kafkit.js). */
const bin = fileURLToPath(new URL('../../../cli/bin/kafkit.js', import.meta.url))

export interface Served {
  child: ChildProcess
  url: string
  stop(): Promise<number | null>
}

/** Starts `kafkit registry serve` and waits for its "listening on" line. */
export async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'registry', 'serve', '--port', '0', '--quiet', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d) => {
      out += d
      const m = /listening on (\S+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)))
  })
  return {
    child,
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode)
        child.on('exit', (code) => resolve(code))
        child.kill('SIGTERM')
      }),
  }
}

export function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}
