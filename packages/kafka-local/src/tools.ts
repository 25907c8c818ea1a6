import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { KafkaLocalError } from './errors'

/** The java binary: $JAVA_HOME/bin/java when JAVA_HOME is set, else `java` from PATH. */
export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java'
}

/** Checks that Java 17+ runs; returns its major version. */
export function checkJava(java = javaCommand()): number {
  const res = spawnSync(java, ['-version'], { encoding: 'utf8' })
  if (res.error || res.status !== 0) {
    throw new KafkaLocalError(
      'KAFKIT_KAFKA_LOCAL_JAVA_NOT_FOUND',
      `could not run '${java} -version' (${res.error?.message ?? `exit ${res.status}`}): install a JDK 17 or newer (e.g. 'apt-get install openjdk-17-jdk-headless' or Temurin 17) and put java on PATH, or set JAVA_HOME`,
      { details: { java } },
    )
  }
  // `java -version` prints to stderr, e.g. openjdk version "17.0.15" or "1.8.0_392".
  const text = `${res.stderr}${res.stdout}`
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text)
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : Number.NaN
  if (!(major >= 17)) {
    throw new KafkaLocalError(
      'KAFKIT_KAFKA_LOCAL_JAVA_TOO_OLD',
      `Kafka 4 needs Java 17 or newer, but '${java} -version' says: ${text.split('\n')[0]?.trim()}; install a JDK 17+ and set JAVA_HOME to it`,
      { details: { java, major } },
    )
  }
  return major
}

/** Checks that Maven runs (only needed while the jar cache is empty). */
export function checkMaven(mvn = 'mvn'): void {
  const res = spawnSync(mvn, ['-v'], { encoding: 'utf8' })
  if (res.error || res.status !== 0) {
    throw new KafkaLocalError(
      'KAFKIT_KAFKA_LOCAL_MAVEN_NOT_FOUND',
      `could not run '${mvn} -v' (${res.error?.message ?? `exit ${res.status}`}): install Apache Maven 3.6+ (e.g. 'apt-get install maven'); it downloads the Kafka jars once into the cache`,
      { details: { mvn } },
    )
  }
}
