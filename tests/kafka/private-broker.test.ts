// Tests that restart or reconfigure a broker use one of their own (the shared test-env broker serves
// every other file of the run): a broker restart during a live tail, and a broker that advertises an
// unreachable in-cluster name, reached only through a mapped port-forward.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import type { KafkaMessage, TailStatus } from '#contract/kafka.js';
import type { EnvContext, Running } from '../../scripts/test-env/component.js';
import kafka, {
  type KafkaEndpoint,
  type KafkaState,
  restartKafka,
  startKafkaAgain,
  stopKafka,
} from '../../scripts/test-env/kafka/component.js';
import { cacheRoot, freePort } from '../../scripts/test-env/env.js';
import { mapForwardedBrokers } from '../../electron/services/kafka/connection.js';
import { useTempDir } from '../support/temp.js';
import { newService, offsetsByPartition, rawKafka, seedTopic, startTcpProxy, tailThroughBackend, uniqueTopic } from './support.js';

const tempDir = useTempDir('logclaw-kafka-priv-');
const ADVERTISED = 'logclaw-kafka-test-combined-0.logclaw-kafka-test-kafka-brokers.logclaw-test.svc';
const BOOTSTRAP = 'logclaw-kafka-test-kafka-bootstrap.logclaw-test.svc:9092';

describe('a private broker: restart during a tail, in-cluster advertised address', () => {
  let running: Running<KafkaEndpoint>;
  let runDir: string;
  let brokers: string;
  let raw: Kafka;

  beforeAll(async () => {
    runDir = mkdtempSync(join(tmpdir(), 'logclaw-private-kafka-'));
    const ctx: EnvContext = { cacheRoot: cacheRoot(), runDir, freePort, log: (line) => process.stderr.write(`[private-kafka] ${line}\n`) };
    await kafka.provision(ctx);
    running = await kafka.start(ctx, {});
    brokers = running.endpoint.brokers;
    raw = rawKafka(brokers);
  });
  afterAll(async () => {
    if (running) {
      await stopKafka(running, { timeoutMs: 20_000 }).catch(() => undefined);
      for (const pid of running.pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  });

  it('keeps tailing across a broker restart: offsets continuous, nothing shown twice', async () => {
    const topic = uniqueTopic('kp-restart');
    await seedTopic(raw, topic, { partitions: 2, count: 200 });
    const backend: Backend = await createBackend({ transport: 'cli', dataDir: tempDir(), env: { LOGCLAW_KAFKA_BROKERS: brokers } });
    const tailId = 'restart-tail';
    const seen: KafkaMessage[] = [];
    const states: TailStatus['state'][] = [];
    const offMessages = backend.bus.on('kafka:messages', (batch) => {
      if (batch.tailId !== tailId) return;
      seen.push(...batch.messages);
      void backend.call('kafka:tailAck', { tailId, seq: batch.seq }).catch(() => undefined);
    });
    const offStatus = backend.bus.on('kafka:tailStatus', (status) => {
      if (status.tailId === tailId && states.at(-1) !== status.state) states.push(status.state);
    });
    // A producer that keeps writing through the restart (its failed sends are simply retried later).
    let producing = true;
    const producer = raw.producer({ retry: { retries: 2, initialRetryTime: 100 } });
    await producer.connect();
    let sent = 0;
    const writer = (async () => {
      while (producing) {
        await producer
          .send({ topic, acks: -1, messages: Array.from({ length: 10 }, () => ({ value: JSON.stringify({ n: sent++ }) })) })
          .catch(() => new Promise((resolve) => setTimeout(resolve, 300)));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      await backend.call('kafka:tailStart', { tailId, topic, from: { kind: 'earliest' } });
      await expect.poll(() => seen.length, { timeout: 30_000 }).toBeGreaterThan(300);
      const restarted = await restartKafka(running, { downMs: 3_000 });
      running = { ...running, pids: restarted.pids };
      const afterRestart = seen.length;
      await expect.poll(() => seen.length, { timeout: 90_000, interval: 500 }).toBeGreaterThan(afterRestart + 200);
      producing = false;
      await writer;
      const admin = raw.admin();
      await admin.connect();
      const marks = await admin.fetchTopicOffsets(topic);
      await admin.disconnect();
      const total = marks.reduce((sum, m) => sum + Number(m.high), 0);
      await expect.poll(() => seen.length, { timeout: 60_000 }).toBe(total);
      // Every offset of every partition exactly once, in order.
      const byPartition = offsetsByPartition(seen);
      for (const mark of marks) expect(byPartition.get(mark.partition)).toEqual(Array.from({ length: Number(mark.high) }, (_, i) => i));
      const status = await backend.call('kafka:tailStop', { tailId });
      expect(status).toMatchObject({ matched: total, dropped: 0 });
      expect(states).toContain('reconnecting');
      expect(states.lastIndexOf('running')).toBeGreaterThan(states.indexOf('reconnecting'));
    } finally {
      producing = false;
      await writer;
      await producer.disconnect().catch(() => undefined);
      offMessages();
      offStatus();
      await backend.close();
    }
  });

  it('reaches a broker advertising an unreachable in-cluster name only through the mapped forward', async () => {
    // Reconfigure the broker as Strimzi does: it advertises its in-cluster pod address.
    const state = running.state as KafkaState;
    const config = join(state.home, 'server.properties');
    await stopKafka(running, { timeoutMs: 20_000 });
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(/^advertised\.listeners=.*$/m, `advertised.listeners=PLAINTEXT://${ADVERTISED}:9092`),
    );
    const restarted = await startKafkaAgain(running);
    running = { ...running, pids: restarted.pids };
    const proxy = await startTcpProxy(brokers);
    try {
      // A plain client bootstraps, then fails on the advertised in-cluster name.
      const plain = newService(async () => ({ brokers: [brokers] }), tempDir());
      const failure = await plain.service.listTopics({ internal: false }).then(
        () => null,
        (error: unknown) => error,
      );
      await plain.service.close();
      expect(failure).toMatchObject({ code: 'KAFKA_UNREACHABLE', message: expect.stringMatching(/ENOTFOUND|EAI_AGAIN|not reachable/) });

      // Mapped as the forwards service will: it knows node id → local forward; the cluster says
      // what each node advertises; every advertised address (and the bootstrap name) → its forward.
      const resolved = await mapForwardedBrokers({ 1: proxy.address }, { bootstrap: [BOOTSTRAP] });
      expect(resolved).toEqual({ brokers: [BOOTSTRAP], addressMap: { [`${ADVERTISED}:9092`]: proxy.address, [BOOTSTRAP]: proxy.address } });
      const { service, backend } = newService(async () => resolved, tempDir());
      try {
        expect((await service.cluster()).brokers).toEqual([{ nodeId: 1, address: `${ADVERTISED}:9092`, via: proxy.address }]);
        const topic = uniqueTopic('kp-mapped');
        await service.createTopic({ topic, partitions: 3, configs: {} });
        const tail = tailThroughBackend(
          backend,
          { topic, from: { kind: 'latest' } },
          {
            until: (messages) => messages.length >= 20,
            onStarted: async () => {
              await service.produce({
                topic,
                format: 'json',
                messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, value: `{"i":${i}}`, headers: {} })),
              });
            },
          },
        );
        const received = await tail;
        expect(received.messages.map((m) => JSON.parse(m.value!).i).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        const client = await service.client();
        expect(new Set(client.connection.sockets.map((s) => s.connected))).toEqual(new Set([proxy.address]));
        expect(proxy.connections).toBeGreaterThanOrEqual(3);
      } finally {
        await service.close();
      }
    } finally {
      await proxy.close();
    }
  });
});
