import { rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { describe, expect, it } from 'vitest'
import { findFreeBasePort, isKafkaLocalError, startKafka } from '../src/index'

describe('startKafka failures are typed and explain themselves', () => {
  it('a broker JVM that dies while starting rejects with START_FAILED quoting its output', async () => {
    // 1m of heap is below what the JVM accepts: the node exits at once, as a broken start would.
    const error = await startKafka({ nodes: 1, basePort: await findFreeBasePort(1), heap: '1m' }).catch(
      (e) => e,
    )
    expect(isKafkaLocalError(error, 'KAFKIT_KAFKA_LOCAL_START_FAILED')).toBe(true)
    expect(error.message).toContain('[node 1]')
    expect(error.message).toMatch(/heap/i)
    // A failed start keeps its temp dir for the logs it names; clean it up here.
    await rm(String(error.details.dataDir), { recursive: true, force: true })
  })

  it('a taken port rejects with PORT_IN_USE naming the port, before any JVM starts', async () => {
    const basePort = await findFreeBasePort(1)
    const server: Server = createServer()
    await new Promise<void>((r) => server.listen(basePort + 100, '127.0.0.1', r))
    try {
      const error = await startKafka({ nodes: 1, basePort }).catch((e) => e)
      expect(isKafkaLocalError(error, 'KAFKIT_KAFKA_LOCAL_PORT_IN_USE')).toBe(true)
      expect(error.message).toContain(String(basePort + 100))
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  it('invalid options reject with KAFKIT_INVALID_OPTIONS naming the option', async () => {
    const error = await startKafka({ nodes: 2 as 1 }).catch((e) => e)
    expect(isKafkaLocalError(error, 'KAFKIT_INVALID_OPTIONS')).toBe(true)
    expect(error.message).toContain('nodes')
  })
})
