#!/usr/bin/env node
// Runs a command (`node scripts/with-node.mjs vitest run ...`) on a Node that Kafkit supports. The
// README's commands must work on a machine whose system Node is older (20): there the command is run
// again under Node 24 from the npm registry (`npx -p node@24`, cached by npm after the first time).
// KAFKIT_NODE_VERSION=22|24|26 forces a major line (CI runs the unit tests on 22 and 26 this way).
// Plain JavaScript that any Node since 14 can run; it never imports project code.
import { spawn } from 'node:child_process'

const SUPPORTED = 'Node ^22.22.0 || >=24.6.0'
const FALLBACK_MAJOR = '24'

const [command, ...args] = process.argv.slice(2)
if (!command) {
  console.error('usage: node scripts/with-node.mjs <command> [args...]')
  process.exit(2)
}

const [major, minor] = process.versions.node.split('.').map(Number)
const supported = (major === 22 && minor >= 22) || (major === 24 && minor >= 6) || major > 24
const wanted = process.env.KAFKIT_NODE_VERSION
const ok = wanted ? String(major) === wanted : supported

// The Node already running is the one to use when it qualifies (PATH may list another first).
let file = command === 'node' ? process.execPath : command
let argv = args
if (!ok) {
  if (process.env.KAFKIT_NODE_REEXEC) {
    console.error(
      `kafkit: still on Node ${process.versions.node} after switching; need ${wanted ?? SUPPORTED}`,
    )
    process.exit(1)
  }
  const target = wanted ?? FALLBACK_MAJOR
  console.error(
    `kafkit: Node ${process.versions.node} ${wanted ? `is not Node ${wanted}` : `is older than ${SUPPORTED}`};` +
      ` running \`${[command, ...args].join(' ')}\` under Node ${target} from npm (npx -p node@${target})`,
  )
  file = process.platform === 'win32' ? 'npx.cmd' : 'npx'
  argv = ['--yes', '--package', `node@${target}`, '--', command, ...args]
}

const child = spawn(file, argv, {
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: ok ? process.env : { ...process.env, KAFKIT_NODE_REEXEC: '1' },
})
// Ctrl-C reaches the whole process group (the child handles it); SIGTERM is passed on. Either way
// this process waits for the child and exits the way it did.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => child.kill('SIGTERM'))
child.on('error', (error) => {
  console.error(`kafkit: could not run ${file}: ${error.message}`)
  process.exit(1)
})
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal)
    process.kill(process.pid, signal)
  } else {
    process.exit(code ?? 1)
  }
})
