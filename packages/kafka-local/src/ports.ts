import { createServer } from 'node:net'
import { KafkaLocalError } from './errors'
import { CONTROLLER_PORT_OFFSET } from './options'
import { SECURE_LISTENERS } from './security'

/** True when nothing listens on 127.0.0.1:`port` (we could bind it ourselves). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)))
  })
}

/** Every port a cluster of `nodes` nodes on `basePort` binds (with `secure`, the secured listeners' too). */
export function clusterPorts(basePort: number, nodes: number, secure = false): number[] {
  const ports: number[] = []
  for (let i = 0; i < nodes; i++) {
    ports.push(basePort + i, basePort + CONTROLLER_PORT_OFFSET + i)
    if (secure) ports.push(...SECURE_LISTENERS.map((l) => basePort + l.offset + i))
  }
  return ports
}

/** Ports in `ports` that something already listens on. */
export async function busyPorts(ports: readonly number[]): Promise<number[]> {
  const free = await Promise.all(ports.map(isPortFree))
  return ports.filter((_, i) => !free[i])
}

/**
 * Picks a basePort whose whole layout (PLAINTEXT and CONTROLLER ports of every node) is free right
 * now, at random in [10000, 32000): below Linux's ephemeral range (32768+), where outgoing client
 * connections would otherwise grab ports of the block between this check and the broker's bind.
 */
export async function findFreeBasePort(nodes: 1 | 3 = 3, attempts = 50, secure = false): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const base = 10_000 + Math.floor(Math.random() * 220) * 100
    if ((await busyPorts(clusterPorts(base, nodes, secure))).length === 0) return base
  }
  throw new KafkaLocalError(
    'KAFKIT_KAFKA_LOCAL_NO_FREE_PORTS',
    `no free block of ${nodes} node(s)' ports found in [10000, 32000) after ${attempts} attempts: stop brokers you no longer need, or pass basePort yourself`,
    { details: { nodes, attempts } },
  )
}
