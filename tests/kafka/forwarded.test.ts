// The port-forwarded path without a cluster: a counting TCP proxy stands in for the per-broker
// forward, and the Kafka client is given an in-cluster bootstrap name plus an address map. Every
// socket the client opens must go through the mapping to the proxy, and an advertised broker with no
// forward must fail with a coded error naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressMapper } from '../../electron/services/kafka/socket-factory.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { type TcpProxy, newService, startTcpProxy, tailThroughBackend, uniqueTopic } from './support.js';

const tempDir = useTempDir('logclaw-kafka-fwd-');
const BOOTSTRAP = 'logclaw-kafka-test-kafka-bootstrap.logclaw-test.svc:9092';

describe('Kafka through mapped broker addresses (socketFactory)', () => {
  let brokers: string;
  let proxy: TcpProxy;

  beforeAll(async () => {
    ({
      kafka: { brokers },
    } = await useTestEnv('kafka'));
    proxy = await startTcpProxy(brokers);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('maps advertised host:port to local addresses, case-insensitively, and refuses unmapped ones when strict', async () => {
    const mapper = createAddressMapper({ 'Kafka-0.svc:9092': '127.0.0.1:1' });
    expect(mapper.resolve('kafka-0.SVC:9092')).toBe('127.0.0.1:1');
    expect(mapper.resolve('kafka-1.svc:9092')).toBeNull();
    expect(createAddressMapper({}).resolve('a:1')).toBe('a:1');
    const socket = mapper.factory({ host: 'kafka-1.svc', port: 9092, onConnect: () => undefined });
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
    expect(error.message).toBe('Kafka broker kafka-1.svc:9092 has no local port-forward (forwarded: kafka-0.svc:9092)');
    expect([...mapper.unmapped]).toEqual(['kafka-1.svc:9092']);
  });

  it('sends every connection through the mapped forward: topics, produce and tail all work', async () => {
    const before = proxy.connections;
    const addressMap = { [BOOTSTRAP]: proxy.address, [brokers]: proxy.address };
    const { service, backend } = newService(async () => ({ brokers: [BOOTSTRAP], addressMap }), tempDir());
    try {
      expect(service.connection()).toMatchObject({ source: 'discovered', mapped: true });
      const cluster = await service.cluster();
      // The user sees the broker and the forward it goes through, not a listener config.
      expect(cluster.brokers).toEqual([{ nodeId: 1, address: brokers, via: proxy.address }]);

      const topic = uniqueTopic('kf-mapped');
      await service.createTopic({ topic, partitions: 2, configs: {} });
      const produced = await service.produce({
        topic,
        format: 'json',
        messages: Array.from({ length: 50 }, (_, i) => ({ value: `{"i":${i}}`, headers: {} })),
      });
      expect(produced).toHaveLength(50);
      const received = await tailThroughBackend(backend, { topic, from: { kind: 'earliest' }, until: 'end' });
      expect(received.messages.map((m) => JSON.parse(m.value!).i).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect((await service.listTopics({ internal: false })).topics.find((t) => t.name === topic)?.messages).toBe(50);

      const client = await service.client();
      const sockets = client.connection.sockets;
      expect(sockets.length).toBeGreaterThanOrEqual(2);
      expect(new Set(sockets.map((s) => s.connected))).toEqual(new Set([proxy.address]));
      expect(new Set(sockets.map((s) => s.requested))).toEqual(new Set([BOOTSTRAP, brokers]));
    } finally {
      await service.close();
    }
    // Each socket of the admin, the producer and the tail's consumer reached the broker through the proxy.
    expect(proxy.connections - before).toBeGreaterThanOrEqual(3);
    expect(proxy.bytesDown).toBeGreaterThan(1_000);
  });

  it('fails with KAFKA_UNREACHABLE naming the advertised broker that has no forward', async () => {
    const { service } = newService(async () => ({ brokers: [BOOTSTRAP], addressMap: { [BOOTSTRAP]: proxy.address } }), tempDir());
    try {
      const error = await service.listTopics({ internal: false }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: 'KAFKA_UNREACHABLE',
        hint: expect.stringContaining(`${brokers}, which has no local port-forward`),
      });
    } finally {
      await service.close();
    }
  });
});
