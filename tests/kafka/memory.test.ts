// A million messages through a live tail: the backend holds at most its window, the UI's ring holds
// at most its cap, and the process's memory stays flat however many messages pass.
import { execa } from 'execa';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import type { KafkaMessage } from '#contract/kafka.js';
import { DEFAULT_LIMITS } from '../../electron/services/kafka/tail.js';
import { RingBuffer } from '../../renderer/src/features/kafka/ring-buffer.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { rawKafka, uniqueTopic } from './support.js';

const tempDir = useTempDir('logclaw-kafka-mem-');
const COUNT = 1_000_000;
const CAP = 10_000;
const MB = 1024 * 1024;

function line(i: number, pad: string): string {
  return `{"i":${i},"level":"info","pad":"${pad}"}`;
}

/** kcat -P is ~10× faster than kafkajs at writing a million messages; kafkajs when kcat is absent. */
async function produceWithKcat(brokers: string, topic: string): Promise<boolean> {
  if ((await execa('kcat', ['-V'], { reject: false }).catch(() => ({ exitCode: 1 }))).exitCode !== 0) return false;
  const pad = 'p'.repeat(360);
  const child = execa(
    'kcat',
    ['-P', '-b', brokers, '-t', topic, '-z', 'none', '-X', 'linger.ms=20', '-X', 'batch.num.messages=10000', '-X', 'acks=1'],
    { stdin: 'pipe' },
  );
  for (let start = 0; start < COUNT; start += 10_000) {
    const chunk = Array.from({ length: 10_000 }, (_, j) => line(start + j, pad)).join('\n') + '\n';
    if (!child.stdin!.write(chunk)) await new Promise((resolve) => child.stdin!.once('drain', resolve));
  }
  child.stdin!.end();
  await child;
  return true;
}

async function produceMillion(kafka: Kafka, brokers: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  if (await produceWithKcat(brokers, topic)) return;
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const pad = 'p'.repeat(360);
  const batch = 2_000; // under the broker's 1 MB message.max.bytes
  const sends: Array<Promise<unknown>> = [];
  for (let start = 0; start < COUNT; start += batch) {
    const messages = Array.from({ length: batch }, (_, j) => ({ partition: (start / batch) % 4, value: line(start + j, pad) }));
    sends.push(producer.send({ topic, acks: 1, messages }));
    if (sends.length >= 4) await Promise.all(sends.splice(0));
  }
  await Promise.all(sends);
  await producer.disconnect();
}

describe('tail memory with 1 000 000 messages', () => {
  let backend: Backend;
  let topic: string;

  beforeAll(async () => {
    const { kafka } = await useTestEnv('kafka');
    topic = uniqueTopic('km-million');
    const started = Date.now();
    await produceMillion(rawKafka(kafka.brokers), kafka.brokers, topic);
    process.stderr.write(`[memory] produced ${COUNT} messages in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    backend = await createBackend({ transport: 'cli', dataDir: tempDir(), env: { LOGCLAW_KAFKA_BROKERS: kafka.brokers } });
  }, 600_000);
  afterAll(async () => {
    await backend?.close();
  });

  it('streams them all while the backend window, the UI ring and the heap stay bounded', async () => {
    const ring = new RingBuffer<KafkaMessage>(CAP, 50 * MB, (m) => (m.value?.length ?? 0) + 100);
    const tailId = 'million';
    let maxRing = 0;
    let events = 0;
    let maxHeld = 0;
    global.gc?.();
    const baseline = process.memoryUsage();
    let peakHeap = baseline.heapUsed;
    let peakRss = baseline.rss;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakHeap = Math.max(peakHeap, usage.heapUsed);
      peakRss = Math.max(peakRss, usage.rss);
    }, 100);
    const offStatus = backend.bus.on('kafka:tailStatus', (status) => {
      if (status.tailId === tailId) maxHeld = Math.max(maxHeld, status.peakHeld);
    });
    const done = new Promise<string>((resolve) => {
      backend.bus.on('kafka:tailStatus', (status) => {
        if (status.tailId === tailId && ['ended', 'stopped', 'failed'].includes(status.state)) resolve(status.state);
      });
    });
    const offMessages = backend.bus.on('kafka:messages', (batch) => {
      if (batch.tailId !== tailId) return;
      events++;
      ring.push(batch.messages);
      maxRing = Math.max(maxRing, ring.size);
      // Acknowledge on the next turn, as a UI does after rendering.
      setImmediate(() => void backend.call('kafka:tailAck', { tailId, seq: batch.seq }));
    });
    const started = Date.now();
    try {
      await backend.call('kafka:tailStart', { tailId, topic, from: { kind: 'earliest' }, until: 'end' });
      expect(await done).toBe('ended');
    } finally {
      clearInterval(sampler);
      offMessages();
      offStatus();
    }
    const seconds = (Date.now() - started) / 1000;
    const heapGrowth = (peakHeap - baseline.heapUsed) / MB;
    const rssGrowth = (peakRss - baseline.rss) / MB;
    process.stderr.write(
      `[memory] tailed ${ring.total} messages in ${seconds.toFixed(1)} s (${Math.round(ring.total / seconds)}/s) in ${events} events; ` +
        `backend peak held ${maxHeld}; ring max ${maxRing}; heap +${heapGrowth.toFixed(0)} MB, rss +${rssGrowth.toFixed(0)} MB\n`,
    );
    expect(ring.total).toBe(COUNT);
    expect(maxRing).toBe(CAP);
    expect(ring.size).toBe(CAP);
    expect(JSON.parse(ring.at(CAP - 1)!.value!).i).toBeGreaterThan(0);
    expect(events).toBeLessThan(COUNT / 100);
    // The backend never held more than its window plus one batch.
    expect(maxHeld).toBeGreaterThan(0);
    expect(maxHeld).toBeLessThanOrEqual(DEFAULT_LIMITS.windowMessages + DEFAULT_LIMITS.batchMessages);
    // ~400 MB of values passed through; kept as messages they would take ~590 MB of heap (measured
    // with --expose-gc). Bounded means the growth is GC slack around the window, far below that.
    expect(heapGrowth).toBeLessThan(250);
    expect(rssGrowth).toBeLessThan(450);
  }, 600_000);
});
