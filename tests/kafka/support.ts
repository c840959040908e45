// Helpers for the Kafka tests: unique topics, a counting TCP proxy (stands in for a port-forward),
// a raw kafkajs client to set up data independently of the code under test, and a tail receiver
// that acknowledges batches like the UI does.
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import type { Backend } from '../../electron/backend.js';
import type { KafkaMessage, TailStatus } from '#contract/kafka.js';
import { parseRequest } from '#contract/validate.js';
import { EventBus } from '../../electron/services/events.js';
import { KafkaConnectionStore, type ResolvedConnection } from '../../electron/services/kafka/connection.js';
import { KafkaService } from '../../electron/services/kafka/kafka-service.js';

export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface TcpProxy {
  port: number;
  address: string;
  connections: number;
  bytesUp: number;
  bytesDown: number;
  close(): Promise<void>;
}

/** A TCP forwarder 127.0.0.1:<free port> → target, counting connections and bytes. */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  const proxy = { port: 0, address: '', connections: 0, bytesUp: 0, bytesDown: 0 } as TcpProxy;
  const server = net.createServer((client) => {
    proxy.connections++;
    const upstream = net.connect({ host, port });
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => (proxy.bytesUp += chunk.length));
    upstream.on('data', (chunk) => (proxy.bytesDown += chunk.length));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as net.AddressInfo).port;
  proxy.address = `127.0.0.1:${proxy.port}`;
  proxy.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return proxy;
}

export function rawKafka(brokers: string): Kafka {
  return new Kafka({ clientId: 'logclaw-test-setup', brokers: [brokers], logLevel: logLevel.NOTHING });
}

/** Creates a topic and produces `count` JSON messages `{i, level, …pad}` keyed `key-<i % keys>`. */
export async function seedTopic(
  kafka: Kafka,
  topic: string,
  options: { partitions?: number; count?: number; keys?: number; pad?: number } = {},
): Promise<void> {
  const { partitions = 3, count = 0, keys = 7, pad = 0 } = options;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  if (count === 0) return;
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const filler = 'x'.repeat(pad);
  for (let start = 0; start < count; start += 1_000) {
    const messages = Array.from({ length: Math.min(1_000, count - start) }, (_, j) => {
      const i = start + j;
      return {
        key: `key-${i % keys}`,
        value: JSON.stringify({ i, level: i % 10 === 0 ? 'error' : 'info', ...(pad ? { pad: filler } : {}) }),
      };
    });
    await producer.send({ topic, messages, acks: 1 });
  }
  await producer.disconnect();
}

export interface Received {
  messages: KafkaMessage[];
  batches: number;
  final: TailStatus;
  statuses: TailStatus[];
}

/**
 * Runs a tail through `backend.call` and its events like the UI does: collects every batch and
 * acknowledges it, until the tail ends (or `until` says so, then it stops it).
 */
export async function tailThroughBackend(
  backend: Backend,
  request: Record<string, unknown> & { topic: string },
  options: { until?: (received: KafkaMessage[]) => boolean; timeoutMs?: number; onStarted?: () => Promise<void> | void } = {},
): Promise<Received> {
  const tailId = `test-${randomBytes(4).toString('hex')}`;
  const messages: KafkaMessage[] = [];
  const statuses: TailStatus[] = [];
  let batches = 0;
  let resolveDone!: (status: TailStatus) => void;
  const done = new Promise<TailStatus>((resolve) => (resolveDone = resolve));
  let stopping = false;
  const offMessages = backend.bus.on('kafka:messages', (batch) => {
    if (batch.tailId !== tailId) return;
    batches++;
    messages.push(...batch.messages);
    void backend.call('kafka:tailAck', { tailId, seq: batch.seq }).catch(() => undefined);
    if (!stopping && options.until?.(messages)) {
      stopping = true;
      void backend.call('kafka:tailStop', { tailId }).then(resolveDone, () => undefined);
    }
  });
  const offStatus = backend.bus.on('kafka:tailStatus', (status) => {
    if (status.tailId !== tailId) return;
    statuses.push(status);
    if (['ended', 'stopped', 'failed'].includes(status.state)) resolveDone(status);
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const started = await backend.call('kafka:tailStart', { tailId, ...request } as never);
    if (['ended', 'stopped', 'failed'].includes(started.state)) resolveDone(started);
    await options.onStarted?.();
    const final = await Promise.race([
      done,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `tail of ${request.topic} did not finish in ${timeoutMs} ms: ${messages.length} messages, last status ${JSON.stringify(statuses.at(-1))}`,
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
    // The last batch is flushed before the final status; give in-flight events a tick.
    await new Promise((resolve) => setImmediate(resolve));
    return { messages, batches, final, statuses };
  } finally {
    clearTimeout(timer);
    offMessages();
    offStatus();
  }
}

/** Offsets per partition, in arrival order. */
export function offsetsByPartition(messages: KafkaMessage[]): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const m of messages) {
    const list = map.get(m.partition) ?? [];
    list.push(Number(m.offset));
    map.set(m.partition, list);
  }
  return map;
}

/**
 * A KafkaService on its own event bus, callable like a backend (same request validation), for
 * connections a backend cannot be given yet: the discovered, port-forwarded path.
 */
export function serviceAsBackend(service: KafkaService, bus: EventBus): Backend {
  const call = async (channel: string, payload?: unknown): Promise<unknown> => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const request = parseRequest(channel, payload) as any;
    switch (channel) {
      case 'kafka:tailStart':
        return service.startTail(request);
      case 'kafka:tailAck':
        return service.ackTail(request.tailId, request.seq);
      case 'kafka:tailStop':
        return service.stopTail(request.tailId);
      case 'kafka:tailPause':
        return service.pauseTail(request.tailId);
      case 'kafka:tailResume':
        return service.resumeTail(request.tailId);
      case 'kafka:produce':
        return service.produce(request);
      case 'kafka:listTopics':
        return service.listTopics(request);
      case 'kafka:createTopic':
        return service.createTopic(request);
      case 'kafka:cluster':
        return service.cluster();
      case 'kafka:listGroups':
        return service.listGroups(request);
      default:
        throw new Error(`serviceAsBackend: ${channel} is not wired`);
    }
  };
  return { bus, call } as unknown as Backend;
}

export function newService(
  resolve: () => Promise<ResolvedConnection | null>,
  dataDir: string,
): { service: KafkaService; bus: EventBus; backend: Backend } {
  const bus = new EventBus();
  const service = new KafkaService({
    connection: new KafkaConnectionStore(dataDir, {}, resolve),
    onMessages: (batch) => bus.emit('kafka:messages', batch),
    onStatus: (status) => bus.emit('kafka:tailStatus', status),
  });
  return { service, bus, backend: serviceAsBackend(service, bus) };
}
