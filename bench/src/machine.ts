import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { dirname, join } from 'node:path'
import type { MachineInfo } from './results'

const require = createRequire(import.meta.url)

function packageVersion(name: string): string {
  // Some packages do not export ./package.json: find the entry point, then walk up to the manifest.
  try {
    let dir = dirname(require.resolve(name))
    while (dir !== dirname(dir)) {
      const file = join(dir, 'package.json')
      if (existsSync(file)) {
        const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
        if (manifest.name === name && manifest.version) return manifest.version
      }
      dir = dirname(dir)
    }
  } catch {}
  return 'not installed'
}

function javaVersion(): string {
  try {
    // `java -version` writes to stderr.
    const out = execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' })
    return out.split('\n')[0]?.trim() || 'unknown'
  } catch {
    return 'not found'
  }
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8')
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(text)
    if (m) return `${m[1]} (${os.platform()} ${os.release()})`
  } catch {}
  return `${os.platform()} ${os.release()}`
}

/** The machine and library versions printed beside the results. */
export function machineInfo(kafkaVersion: string): MachineInfo {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: osName(),
    node: process.version,
    java: javaVersion(),
    kafka: kafkaVersion,
    packages: {
      kafkajs: packageVersion('kafkajs'),
      '@kafkajs/confluent-schema-registry': packageVersion('@kafkajs/confluent-schema-registry'),
      '@platformatic/kafka': packageVersion('@platformatic/kafka'),
      avsc: packageVersion('avsc'),
      autocannon: packageVersion('autocannon'),
      '@kafkit/client': packageVersion('@kafkit/client'),
    },
  }
}
