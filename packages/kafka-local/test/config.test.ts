import { describe, expect, it } from 'vitest'
import { randomClusterId } from '../src/cluster'
import { nodeLayout, renderServerProperties } from '../src/config'
import { renderPom } from '../src/jar-cache'
import { resolveStartKafkaOptions } from '../src/options'
import { findFreeBasePort } from '../src/ports'
import { groupIdsCoveringPartitions, javaStringHash } from '../src/readiness'

function props(text: string): Map<string, string> {
  return new Map(
    text
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  )
}

describe('options', () => {
  it('applies defaults and freezes', () => {
    const o = resolveStartKafkaOptions({})
    expect(o).toMatchObject({
      nodes: 1,
      basePort: 9092,
      kafkaVersion: '4.1.1',
      heap: '512m',
      detached: false,
    })
    expect(Object.isFrozen(o)).toBe(true)
  })
  it('takes broker settings in config, and refuses the keys kafkit derives from the layout', () => {
    const o = resolveStartKafkaOptions({
      config: { 'auto.create.topics.enable': false, 'num.partitions': 6 },
    })
    expect(o.config).toEqual({ 'auto.create.topics.enable': false, 'num.partitions': 6 })
    expect(resolveStartKafkaOptions({}).config).toEqual({})
    expect(() => resolveStartKafkaOptions({ config: { listeners: 'PLAINTEXT://:1' } })).toThrow(
      /config\.listeners: is set by kafkit from nodes, basePort and dataDir/,
    )
    expect(() => resolveStartKafkaOptions({ config: { 'log.dirs': '/x' } })).toThrow(/config\["log\.dirs"\]/)
    expect(() => resolveStartKafkaOptions({ config: { 'a=b': 1 } })).toThrow(/a broker setting name/)
    expect(() => resolveStartKafkaOptions({ config: { 'x.y': 'a\nnode.id=9' } })).toThrow(
      /a value on one line/,
    )
  })
  it("accepts basePort 'auto'", () => {
    expect(resolveStartKafkaOptions({ basePort: 'auto' }).basePort).toBe('auto')
  })
  it.each([
    [{ nodes: 2 }, 'nodes'],
    [{ basePort: 80 }, 'basePort'],
    [{ heap: 'lots' }, 'heap'],
    [{ kafkaVersion: '2.8.0' }, 'kafkaVersion'],
    [{ colour: 'red' }, 'colour'],
  ])('rejects %j naming %s', (bad, name) => {
    expect(() => resolveStartKafkaOptions(bad as never)).toThrow(
      expect.objectContaining({ code: 'KAFKIT_INVALID_OPTIONS' }),
    )
    expect(() => resolveStartKafkaOptions(bad as never)).toThrow(name)
  })
})

describe('server.properties', () => {
  it('lays out ports: node i PLAINTEXT base+i-1, CONTROLLER base+100+i-1', () => {
    expect(nodeLayout(19000, 3)).toEqual([
      { id: 1, port: 19000, controllerPort: 19100 },
      { id: 2, port: 19001, controllerPort: 19101 },
      { id: 3, port: 19002, controllerPort: 19102 },
    ])
  })
  it('3 nodes: static voters, RF 3, min ISR 2, per-node listeners and dirs', () => {
    const layout = nodeLayout(19000, 3)
    const p = props(renderServerProperties(layout[1]!, layout, '/d/node-2/data'))
    expect(p.get('node.id')).toBe('2')
    expect(p.get('controller.quorum.voters')).toBe('1@127.0.0.1:19100,2@127.0.0.1:19101,3@127.0.0.1:19102')
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19001,CONTROLLER://127.0.0.1:19101')
    expect(p.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19001')
    expect(p.get('log.dirs')).toBe('/d/node-2/data')
    expect(p.get('default.replication.factor')).toBe('3')
    expect(p.get('min.insync.replicas')).toBe('2')
    expect(p.get('offsets.topic.replication.factor')).toBe('3')
    expect(p.get('transaction.state.log.min.isr')).toBe('2')
  })
  it('1 node: internal topics fit a single broker', () => {
    const layout = nodeLayout(9092, 1)
    const p = props(renderServerProperties(layout[0]!, layout, '/d'))
    expect(p.get('offsets.topic.replication.factor')).toBe('1')
    expect(p.get('transaction.state.log.replication.factor')).toBe('1')
    expect(p.get('transaction.state.log.min.isr')).toBe('1')
    expect(p.get('group.initial.rebalance.delay.ms')).toBe('0')
  })
  it("Kafka's own defaults otherwise: topics are created on first use unless config says no", () => {
    const layout = nodeLayout(9092, 1)
    const p = props(renderServerProperties(layout[0]!, layout, '/d'))
    // Not set, so the broker's default (true) applies.
    expect(p.has('auto.create.topics.enable')).toBe(false)
    const overridden = props(
      renderServerProperties(layout[0]!, layout, '/d', {
        'auto.create.topics.enable': false,
        'num.partitions': 4,
        'group.initial.rebalance.delay.ms': 3000,
      }),
    )
    expect(overridden.get('auto.create.topics.enable')).toBe('false')
    expect(overridden.get('num.partitions')).toBe('4')
    expect(overridden.get('group.initial.rebalance.delay.ms')).toBe('3000')
    expect([...overridden.keys()].filter((k) => k === 'num.partitions')).toHaveLength(1)
  })
})

describe('secured listeners (opt-in)', () => {
  const security = {
    users: { alice: 'a-Secret.1' },
    caFile: '/d/tls/ca.pem',
    keystoreFile: '/d/tls/broker.p12',
    keystorePassword: 'kspw',
  }
  it('adds SASL_PLAINTEXT, SSL and SASL_SSL at +200/+300/+400 with PLAIN and SCRAM users', () => {
    const all = nodeLayout(20000, 1)
    const p = props(renderServerProperties(all[0]!, all, '/d', {}, security))
    expect(p.get('listeners')).toBe(
      'PLAINTEXT://127.0.0.1:20000,CONTROLLER://127.0.0.1:20100,SASL_PLAINTEXT://127.0.0.1:20200,SSL://127.0.0.1:20300,SASL_SSL://127.0.0.1:20400',
    )
    expect(p.get('advertised.listeners')).not.toContain('CONTROLLER')
    expect(p.get('listener.security.protocol.map')).toBe(
      'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL',
    )
    expect(p.get('inter.broker.listener.name')).toBe('PLAINTEXT')
    expect(p.get('sasl.enabled.mechanisms')).toBe('PLAIN,SCRAM-SHA-256,SCRAM-SHA-512')
    expect(renderServerProperties(all[0]!, all, '/d', {}, security)).toContain(
      'listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="a-Secret.1";',
    )
    expect(p.get('ssl.keystore.location')).toBe('/d/tls/broker.p12')
  })
  it('leaves the default cluster as it was, and checks users and the port range', () => {
    const all = nodeLayout(9092, 1)
    const text = renderServerProperties(all[0]!, all, '/d')
    expect(text).not.toMatch(/sasl|ssl/i)
    expect(resolveStartKafkaOptions({}).security).toBe(false)
    expect(() => resolveStartKafkaOptions({ security: { users: { 'a b': 'x' } } })).toThrow(/a user name of/)
    expect(() => resolveStartKafkaOptions({ security: { users: { a: 'x"y' } } })).toThrow(/a password of/)
    expect(() => resolveStartKafkaOptions({ security: true, basePort: 65300 })).toThrow(
      /pick a lower basePort/,
    )
  })
})

describe('helpers', () => {
  it('the pom pins kafka_2.13 and the log4j2 slf4j binding of the same log4j release Kafka ships', () => {
    const pom = renderPom('4.1.1')
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>4.1.1</version>')
    expect(pom).toContain('<artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version>')
  })
  it("javaStringHash matches Java's String.hashCode", () => {
    expect(javaStringHash('hello')).toBe(99162322)
    expect(javaStringHash('')).toBe(0)
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648)
  })
  it('finds one group id per __consumer_offsets partition', () => {
    const ids = groupIdsCoveringPartitions(5)
    const partitions = ids.map((id) => (javaStringHash(id) & 0x7fffffff) % 5).sort()
    expect(partitions).toEqual([0, 1, 2, 3, 4])
  })
  it('cluster ids are 22-char base64url that never start with a dash', () => {
    for (let i = 0; i < 500; i++) {
      const id = randomClusterId()
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
    }
  })
})

describe('findFreeBasePort', () => {
  it('finds a free block, and gives a typed error naming the fix when it cannot', async () => {
    const base = await findFreeBasePort(1)
    expect(base).toBeGreaterThanOrEqual(10_000)
    expect(base).toBeLessThan(32_000)
    await expect(findFreeBasePort(3, 0)).rejects.toMatchObject({
      code: 'KAFKIT_KAFKA_LOCAL_NO_FREE_PORTS',
      canRetry: true,
      message: expect.stringMatching(/pass basePort yourself/),
    })
  })
})
