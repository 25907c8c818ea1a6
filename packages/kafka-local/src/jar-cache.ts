import { spawn } from 'node:child_process'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { KafkaLocalError } from './errors'
import { checkMaven } from './tools'
import type { KafkaLocalProgressListener } from './types'

/** Per broker version: the log4j2 release Kafka itself ships with (the slf4j binding must match it). */
const LOG4J2_VERSION: Record<string, string> = { '4.1.1': '2.24.3' }
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1'

/** Root of kafkit's cache: KAFKIT_CACHE_DIR, else ~/.cache/kafkit (never inside the repo). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKIT_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kafkit')
}

export function kafkaLibsDir(cacheDir: string, version: string): string {
  return join(cacheDir, `kafka-${version}`, 'libs')
}

/**
 * The pom that pulls the broker runtime. kafka_2.13 brings everything transitively except the
 * slf4j->log4j2 binding, which the release tarball adds on its own; without it the broker logs nothing.
 */
export function renderPom(version: string): string {
  const log4j = LOG4J2_VERSION[version]
  if (!log4j) throw new Error(`no log4j2 version known for Kafka ${version}`)
  const dep = (g: string, a: string, v: string) =>
    `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    '  <groupId>dev.kafkit.local</groupId>',
    `  <artifactId>kafka-runtime-${version}</artifactId>`,
    '  <version>1</version>',
    '  <packaging>pom</packaging>',
    '  <dependencies>',
    dep('org.apache.kafka', 'kafka_2.13', version),
    dep('org.apache.logging.log4j', 'log4j-slf4j-impl', log4j),
    dep('org.apache.logging.log4j', 'log4j-core', log4j),
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n')
}

export interface EnsureJarsOptions {
  readonly version: string
  readonly cacheDir: string
  readonly onProgress?: KafkaLocalProgressListener | undefined
}

/**
 * Returns the directory holding every broker jar, resolving them with Maven on first use. The jars
 * are copied into a temp dir and renamed into place, so a half-finished download is never used.
 */
export async function ensureKafkaJars(options: EnsureJarsOptions): Promise<string> {
  const { version, cacheDir, onProgress } = options
  const libs = kafkaLibsDir(cacheDir, version)
  if (await isComplete(libs, version)) {
    onProgress?.({ type: 'jars-cached', libsDir: libs })
    return libs
  }
  checkMaven()
  onProgress?.({ type: 'jars-resolving', version })
  const base = join(cacheDir, `kafka-${version}`)
  const work = join(base, `resolve-${process.pid}-${Date.now()}`)
  await mkdir(work, { recursive: true })
  try {
    await writeFile(join(work, 'pom.xml'), renderPom(version))
    const out = join(work, 'libs')
    const logFile = join(work, 'mvn.log')
    const code = await runMaven(work, out, logFile, onProgress)
    if (code !== 0) {
      const log = await readFile(logFile, 'utf8').catch(() => '')
      const lines = log.split('\n').filter((l) => /\[ERROR\]|BUILD FAILURE|Could not/.test(l))
      throw new KafkaLocalError(
        'KAFKIT_KAFKA_LOCAL_JAR_RESOLUTION_FAILED',
        `mvn exited with ${code} while resolving org.apache.kafka:kafka_2.13:${version}:\n${(lines.length ? lines : log.split('\n')).slice(-15).join('\n')}`,
        { details: { version, exitCode: code } },
      )
    }
    await writeFile(join(out, '.kafkit-complete'), `${version}\n`)
    await mkdir(base, { recursive: true })
    try {
      await rename(out, libs)
    } catch (error) {
      // Another process finished first; its copy is just as good.
      if (!(await isComplete(libs, version))) throw error
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
  const jars = (await readdir(libs)).filter((f) => f.endsWith('.jar')).length
  onProgress?.({ type: 'jars-resolved', libsDir: libs, jars })
  return libs
}

async function isComplete(libs: string, version: string): Promise<boolean> {
  if (!existsSync(join(libs, '.kafkit-complete'))) return false
  return existsSync(join(libs, `kafka_2.13-${version}.jar`))
}

/** Runs copy-dependencies; Maven's output goes to a log file, download lines become progress events. */
function runMaven(
  cwd: string,
  outDir: string,
  logFile: string,
  onProgress: KafkaLocalProgressListener | undefined,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'mvn',
      [
        '-B',
        `${DEPENDENCY_PLUGIN}:copy-dependencies`,
        `-DoutputDirectory=${outDir}`,
        '-DincludeScope=runtime',
        '-Dmdep.useRepositoryLayout=false',
      ],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const log = createWriteStream(logFile)
    let count = 0
    const onLine = (line: string) => {
      log.write(`${line}\n`)
      const m = /^Downloaded from [^:]+: (\S+)/.exec(line.replace(/^\[INFO\] /, ''))
      if (m?.[1]?.endsWith('.jar')) {
        count++
        onProgress?.({ type: 'jar-downloaded', artifact: m[1].split('/').pop() ?? m[1], count })
      }
    }
    createInterface({ input: child.stdout }).on('line', onLine)
    createInterface({ input: child.stderr }).on('line', onLine)
    child.on('error', reject)
    child.on('close', (code) => {
      log.end(() => resolve(code ?? 1))
    })
  })
}
