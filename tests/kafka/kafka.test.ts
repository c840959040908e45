// The Kafka capability against a real broker, through the backend's `call` (the code path of every
// transport), the loopback HTTP/WebSocket bridge and the CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Backend, createBackend } from '../../electron/backend.js';
import type { KafkaMessage } from '#contract/kafka.js';
import { decodeTailFrame } from '#contract/tail-frame.js';
import { startBridge } from '../../electron/server/bridge-server.js';
import { LOGCLAW_BIN, pathWith } from '../support/cli.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { offsetsByPartition, rawKafka, seedTopic, tailThroughBackend, uniqueTopic } from './support.js';

const tempDir = useTempDir('logclaw-kafka-');

describe('Kafka through the backend (real broker)', () => {
  let brokers: string;
  let raw: Kafka;
  let backend: Backend;
  let dataDir: string;
  /** 3 partitions: message i went to partition i % 3 (334/333/333 of 1 000). */
  let seeded: string;

  beforeAll(async () => {
    ({
      kafka: { brokers },
    } = await useTestEnv('kafka'));
    raw = rawKafka(brokers);
    dataDir = tempDir();
    backend = await createBackend({ transport: 'cli', dataDir, env: { PATH: process.env.PATH } });
    await backend.call('kafka:setConnection', { mode: 'direct', brokers: [brokers] });
    seeded = uniqueTopic('kt-seeded');
    await seedTopic(raw, seeded, { partitions: 3 });
    const producer = raw.producer();
    await producer.connect();
    await producer.send({
      topic: seeded,
      messages: Array.from({ length: 1_000 }, (_, i) => ({
        key: `key-${i % 7}`,
        partition: i % 3,
        value: JSON.stringify({ i, level: i % 10 === 0 ? 'error' : 'info' }),
      })),
    });
    await producer.disconnect();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('saves a direct connection in kafka.json and describes the cluster', async () => {
    expect(await backend.call('kafka:getConnection')).toMatchObject({
      source: 'saved',
      brokers: [brokers],
      cliFlag: `--kafka-brokers ${brokers}`,
    });
    expect(JSON.parse(readFileSync(join(dataDir, 'kafka.json'), 'utf8'))).toEqual({ schemaVersion: 1, mode: 'direct', brokers: [brokers] });
    const cluster = await backend.call('kafka:cluster');
    expect(cluster.brokers).toEqual([{ nodeId: 1, address: brokers, via: null }]);
    expect(cluster.clusterId).toMatch(/\S+/);
  });

  it('lists topics with partitions, watermarks and counts matching what was produced, then a rate', async () => {
    const { topics } = await backend.call('kafka:listTopics', {});
    const topic = topics.find((t) => t.name === seeded)!;
    expect(topic).toMatchObject({ internal: false, replicationFactor: 1, messages: 1_000, underReplicated: 0 });
    expect(
      topic.partitions.map(({ partition, low, high, messages, leader, replicas }) => ({
        partition,
        low,
        high,
        messages,
        leader,
        replicas,
      })),
    ).toEqual([
      { partition: 0, low: '0', high: '334', messages: 334, leader: 1, replicas: [1] },
      { partition: 1, low: '0', high: '333', messages: 333, leader: 1, replicas: [1] },
      { partition: 2, low: '0', high: '333', messages: 333, leader: 1, replicas: [1] },
    ]);
    expect(topics.some((t) => t.name.startsWith('__'))).toBe(false);
    const all = (await backend.call('kafka:listTopics', { internal: true })).topics;
    expect(all.filter((t) => !t.internal).map((t) => t.name)).toEqual(topics.map((t) => t.name));
    expect(all.filter((t) => t.name.startsWith('__')).every((t) => t.internal)).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await backend.call('kafka:produce', {
      topic: seeded,
      messages: Array.from({ length: 30 }, (_, i) => ({ value: `{"extra":${i}}`, partition: 2 })),
    });
    const again = (await backend.call('kafka:listTopics', {})).topics.find((t) => t.name === seeded)!;
    expect(again.messages).toBe(1_030);
    expect(again.rate).toBeGreaterThan(0);
    expect(again.rateHistory.length).toBeGreaterThanOrEqual(1);

    const described = await backend.call('kafka:describeTopic', { topic: seeded });
    expect(described.topic.partitions).toHaveLength(3);
    expect(described.configs.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete', isDefault: true });
  });

  it('shows consumer groups with state, members, committed offsets and lag per partition', async () => {
    const topic = uniqueTopic('kt-lag');
    await seedTopic(raw, topic, { partitions: 2 });
    const producer = raw.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 300 }, (_, i) => ({ value: `{"i":${i}}`, partition: i < 200 ? 0 : 1 })) });
    await producer.disconnect();
    const admin = raw.admin();
    await admin.connect();
    const idle = `${topic}-idle`;
    await admin.setOffsets({
      groupId: idle,
      topic,
      partitions: [
        { partition: 0, offset: '150' },
        { partition: 1, offset: '40' },
      ],
    });

    // A live member that reads everything and commits.
    const live = `${topic}-live`;
    const consumer = raw.consumer({ groupId: live });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let read = 0;
    await consumer.run({ eachMessage: async () => void read++ });
    try {
      await expect.poll(() => read, { timeout: 30_000 }).toBe(300);
      await consumer.commitOffsets([
        { topic, partition: 0, offset: '200' },
        { topic, partition: 1, offset: '100' },
      ]);
      const groups = await backend.call('kafka:listGroups', {});
      const idleGroup = groups.find((g) => g.groupId === idle)!;
      expect(idleGroup).toMatchObject({ state: 'Empty', members: [], totalLag: 50 + 60, topics: [topic] });
      expect(idleGroup.offsets).toEqual([
        { topic, partition: 0, committed: '150', high: '200', lag: 50 },
        { topic, partition: 1, committed: '40', high: '100', lag: 60 },
      ]);
      const committed = await admin.fetchOffsets({ groupId: live, topics: [topic] });
      const liveGroup = groups.find((g) => g.groupId === live)!;
      expect(liveGroup).toMatchObject({ state: 'Stable', protocolType: 'consumer', totalLag: 0 });
      expect(liveGroup.members).toHaveLength(1);
      expect(liveGroup.members[0]!.assignments).toEqual([{ topic, partitions: [0, 1] }]);
      expect(liveGroup.offsets.map((o) => o.committed)).toEqual(
        committed[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset),
      );
    } finally {
      await consumer.disconnect();
      await admin.disconnect();
    }
    expect((await backend.call('kafka:listTopics', { internal: true })).topics.find((t) => t.name === '__consumer_offsets')).toMatchObject({
      internal: true,
    });
    // The app's own tail groups stay out of the list.
    expect((await backend.call('kafka:listGroups', {})).some((g) => g.groupId.startsWith('logclaw-tail-'))).toBe(false);
  });

  it('tails from the beginning: exactly the produced messages, in order per partition, in batches', async () => {
    const received = await tailThroughBackend(backend, { topic: seeded, from: { kind: 'earliest' }, until: 'end' });
    expect(received.final).toMatchObject({ state: 'ended', scanned: 1_030, matched: 1_030, dropped: 0, duplicatesSkipped: 0 });
    const byPartition = offsetsByPartition(received.messages);
    expect(byPartition.get(0)).toEqual(Array.from({ length: 334 }, (_, i) => i));
    expect(byPartition.get(1)).toEqual(Array.from({ length: 333 }, (_, i) => i));
    expect(byPartition.get(2)).toEqual(Array.from({ length: 363 }, (_, i) => i));
    const firstThousand = received.messages.filter((m) => !m.value!.includes('extra'));
    for (const m of firstThousand) {
      const { i } = JSON.parse(m.value!) as { i: number };
      expect(m).toMatchObject({ partition: i % 3, key: `key-${i % 7}`, encoding: 'utf8', truncated: false });
    }
    expect(new Set(firstThousand.map((m) => JSON.parse(m.value!).i)).size).toBe(1_000);
    expect(received.batches).toBeLessThan(30);
  });

  it('filters by text, key and JSON path; starts at an offset from the end or at a time', async () => {
    const text = await tailThroughBackend(backend, { topic: seeded, from: { kind: 'earliest' }, until: 'end', filter: { text: 'ERROR' } });
    expect(text.messages).toHaveLength(100);
    const path = await tailThroughBackend(backend, {
      topic: seeded,
      from: { kind: 'earliest' },
      until: 'end',
      filter: { jsonPath: '$.level', jsonEquals: 'error' },
    });
    expect(path.messages.map((m) => m.offset).sort()).toEqual(text.messages.map((m) => m.offset).sort());
    expect(path.final).toMatchObject({ scanned: 1_030, matched: 100 });
    const key = await tailThroughBackend(backend, { topic: seeded, from: { kind: 'earliest' }, until: 'end', filter: { key: 'key-3' } });
    expect(key.messages).toHaveLength(Array.from({ length: 1_000 }, (_, i) => i).filter((i) => i % 7 === 3).length);

    const last = await tailThroughBackend(backend, { topic: seeded, partition: 0, from: { kind: 'offset', offset: '-5' }, until: 'end' });
    expect(last.messages.map((m) => `${m.partition}:${m.offset}`)).toEqual(['0:329', '0:330', '0:331', '0:332', '0:333']);

    const topic = uniqueTopic('kt-time');
    await seedTopic(raw, topic, { partitions: 2 });
    await backend.call('kafka:produce', { topic, messages: [{ value: '{"burst":1}' }, { value: '{"burst":1}' }] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await backend.call('kafka:produce', {
      topic,
      messages: [{ value: '{"burst":2}' }, { value: '{"burst":2}' }, { value: '{"burst":2}' }],
    });
    const since = await tailThroughBackend(backend, { topic, from: { kind: 'timestamp', at: between }, until: 'end' });
    expect(since.messages.map((m) => m.value)).toEqual(['{"burst":2}', '{"burst":2}', '{"burst":2}']);
  });

  it('tails live from latest and shows produced messages with key, headers and partition', async () => {
    const topic = uniqueTopic('kt-live');
    await seedTopic(raw, topic, { partitions: 3, count: 50 });
    let produced: Array<{ partition: number; offset: string }> = [];
    const received = await tailThroughBackend(
      backend,
      { topic, from: { kind: 'latest' } },
      {
        until: (messages) => messages.length >= 3,
        onStarted: async () => {
          produced = await backend.call('kafka:produce', {
            topic,
            messages: [
              { key: 'order-1', value: '{"step":"created"}', headers: { source: 'test' } },
              { key: 'order-1', value: '{"step":"paid"}' },
              { value: '{"step":"pinned"}', partition: 2 },
            ],
          });
        },
      },
    );
    expect(produced[0]!.partition).toBe(produced[1]!.partition);
    expect(Number(produced[1]!.offset)).toBe(Number(produced[0]!.offset) + 1);
    expect(produced[2]!.partition).toBe(2);
    const byValue = new Map(received.messages.map((m) => [m.value, m]));
    expect(byValue.get('{"step":"created"}')).toMatchObject({
      key: 'order-1',
      headers: { source: 'test' },
      partition: produced[0]!.partition,
      offset: produced[0]!.offset,
    });
    expect(byValue.get('{"step":"paid"}')).toMatchObject({ offset: produced[1]!.offset });
    expect(byValue.get('{"step":"pinned"}')).toMatchObject({ partition: 2, offset: produced[2]!.offset, key: null });
    expect(received.messages).toHaveLength(3);
  });

  it('pauses and resumes a tail without losing or repeating messages', async () => {
    const topic = uniqueTopic('kt-pause');
    await seedTopic(raw, topic, { partitions: 1, count: 20 });
    const tailId = 'pause-test';
    const seen: string[] = [];
    const off = backend.bus.on('kafka:messages', (batch) => {
      if (batch.tailId !== tailId) return;
      seen.push(...batch.messages.map((m) => m.offset));
      void backend.call('kafka:tailAck', { tailId, seq: batch.seq });
    });
    try {
      await backend.call('kafka:tailStart', { tailId, topic, from: { kind: 'earliest' } });
      await expect.poll(() => seen.length, { timeout: 30_000 }).toBe(20);
      expect(await backend.call('kafka:tailPause', { tailId })).toMatchObject({ state: 'paused' });
      await backend.call('kafka:produce', { topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `{"late":${i}}` })) });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(seen).toHaveLength(20);
      expect(await backend.call('kafka:tailResume', { tailId })).toMatchObject({ state: 'running' });
      await expect.poll(() => seen.length, { timeout: 30_000 }).toBe(30);
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
      expect(await backend.call('kafka:tailStop', { tailId })).toMatchObject({ state: 'stopped', matched: 30, acknowledged: 30 });
      await expect(backend.call('kafka:tailPause', { tailId: 'never-started' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      off();
    }
  });

  it('creates and deletes a topic, the delete only with the topic name as confirmation', async () => {
    const topic = uniqueTopic('kt-create');
    const created = await backend.call('kafka:createTopic', { topic, partitions: 4, configs: { 'retention.ms': '3600000' } });
    expect(created).toMatchObject({ name: topic, messages: 0 });
    expect(created.partitions).toHaveLength(4);
    const described = await backend.call('kafka:describeTopic', { topic });
    expect(described.configs.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '3600000', isDefault: false });
    await expect(backend.call('kafka:createTopic', { topic })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('already exists'),
    });
    await expect(backend.call('kafka:deleteTopic', { topic, confirm: 'yes' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('confirm'),
    });
    expect(await backend.call('kafka:deleteTopic', { topic, confirm: topic })).toEqual({ deleted: topic });
    await expect
      .poll(async () => (await backend.call('kafka:listTopics', {})).topics.some((t) => t.name === topic), { timeout: 20_000 })
      .toBe(false);
  });

  it('answers bad input with coded errors and hints', async () => {
    await expect(backend.call('kafka:produce', { topic: seeded, messages: [{ value: '{"unclosed": ' }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('not valid JSON'),
      hint: expect.stringContaining('text'),
    });
    expect(
      await backend.call('kafka:produce', { topic: seeded, format: 'text', messages: [{ value: 'plain text', partition: 0 }] }),
    ).toHaveLength(1);
    await expect(backend.call('kafka:produce', { topic: seeded, messages: [{ value: '{}', partition: 9 }] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('no partition 9'),
    });
    await expect(backend.call('kafka:produce', { topic: `${seeded}x`, messages: [{ value: '{}' }] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      hint: expect.stringContaining(seeded),
    });
    await expect(backend.call('kafka:tailStart', { topic: 'no-such-topic-anywhere' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(backend.call('kafka:tailStart', { topic: seeded, partition: 7 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(backend.call('kafka:tailStart', { topic: seeded, filter: { jsonPath: 'a..b' } })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(backend.call('kafka:setConnection', { mode: 'direct', brokers: ['localhost'] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });

    const other = await createBackend({ transport: 'cli', dataDir: tempDir(), env: {} });
    try {
      await expect(other.call('kafka:listTopics', {})).rejects.toMatchObject({
        code: 'KAFKA_UNREACHABLE',
        hint: expect.stringContaining('--kafka-brokers'),
      });
      await other.call('kafka:setConnection', { mode: 'direct', brokers: ['127.0.0.1:1'], save: false });
      const started = Date.now();
      await expect(other.call('kafka:listTopics', {})).rejects.toMatchObject({
        code: 'KAFKA_UNREACHABLE',
        message: expect.stringContaining('127.0.0.1:1'),
        hint: expect.stringContaining('broker'),
      });
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await other.close();
    }
  });

  it('serves the tail through the HTTP bridge: batched WebSocket events, acknowledged over HTTP', async () => {
    const bridge = await startBridge({ backend, staticDir: tempDir() });
    const base = `http://127.0.0.1:${bridge.port}`;
    const invoke = async (channel: string, body: unknown) => {
      const response = await fetch(`${base}/api/invoke/${channel}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${bridge.token}` },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { ok: boolean; value: Record<string, unknown> };
    };
    const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/events?token=${bridge.token}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const tailId = 'bridge-tail-1';
    const messages: KafkaMessage[] = [];
    let events = 0;
    const ended = new Promise<string>((resolve) => {
      socket.on('message', (data: Buffer, isBinary) => {
        if (isBinary) {
          const batch = decodeTailFrame(data);
          if (batch.tailId !== tailId) return;
          events++;
          messages.push(...batch.messages);
          void invoke('kafka:tailAck', { tailId, seq: batch.seq });
          return;
        }
        const { event, payload } = JSON.parse(String(data)) as { event: string; payload: { tailId: string; state: string } };
        if (payload.tailId === tailId && event === 'kafka:tailStatus' && payload.state === 'ended') resolve(payload.state);
      });
    });
    try {
      const started = await invoke('kafka:tailStart', { tailId, topic: seeded, from: { kind: 'earliest' }, until: 'end' });
      expect(started).toMatchObject({ ok: true, value: { tailId, topic: seeded } });
      await ended;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(messages.length).toBeGreaterThanOrEqual(1_031);
      expect(events).toBeLessThan(messages.length / 20);
      // The binary frames decode to exactly the messages the backend's own bus carries, in order per partition.
      for (const offsets of offsetsByPartition(messages).values()) expect(offsets).toEqual(offsets.map((_, i) => i));
      const direct = await tailThroughBackend(backend, { topic: seeded, from: { kind: 'earliest' }, until: 'end' });
      const byPosition = (list: KafkaMessage[]) =>
        [...list].sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
      expect(byPosition(messages)).toEqual(byPosition(direct.messages));
      const bad = await invoke('kafka:produce', { topic: seeded, messages: [{ value: 'nope' }] });
      expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    } finally {
      socket.close();
      await bridge.close();
    }
  });

  it('runs the CLI: topics --json, tail --json with --max/--filter/--end, produce from stdin, coded errors', async () => {
    const env = { PATH: pathWith(), HOME: tempDir(), LOGCLAW_HOME: tempDir() };
    const topics = await execa(process.execPath, [LOGCLAW_BIN, 'topics', '--json', '--kafka-brokers', brokers], {
      env,
      extendEnv: false,
      reject: false,
    });
    expect(topics.exitCode).toBe(0);
    expect(
      (JSON.parse(topics.stdout) as Array<{ name: string; messages: number }>).find((t) => t.name === seeded)?.messages,
    ).toBeGreaterThanOrEqual(1_031);

    const topic = uniqueTopic('kt-cli');
    await seedTopic(raw, topic, { partitions: 2 });
    const lines = ['{"n":1,"level":"info"}', '{"n":2,"level":"error"}', '', '{"n":3,"level":"error"}'].join('\n');
    const produced = await execa(process.execPath, [LOGCLAW_BIN, 'produce', topic, '--key', 'k1', '--kafka-brokers', brokers, '--json'], {
      env,
      extendEnv: false,
      reject: false,
      input: lines,
    });
    expect(produced.exitCode).toBe(0);
    expect(JSON.parse(produced.stdout)).toHaveLength(3);

    const tail = await execa(
      process.execPath,
      [LOGCLAW_BIN, 'tail', topic, '--from-beginning', '--end', '--json', '--kafka-brokers', brokers],
      { env, extendEnv: false, reject: false },
    );
    expect(tail.exitCode).toBe(0);
    const rows = tail.stdout.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((r) => r.value)).toEqual(['{"n":1,"level":"info"}', '{"n":2,"level":"error"}', '{"n":3,"level":"error"}']);
    expect(Object.keys(rows[0]!).sort()).toEqual(['key', 'offset', 'partition', 'timestamp', 'topic', 'value']);
    expect(rows[0]).toMatchObject({ topic, key: 'k1', offset: 0 });

    const filtered = await execa(
      process.execPath,
      [LOGCLAW_BIN, 'tail', topic, '--from-beginning', '--max', '1', '--filter', 'ERROR', '--json', '--kafka-brokers', brokers],
      { env, extendEnv: false, reject: false },
    );
    expect(filtered.stdout.split('\n').map((line) => JSON.parse(line).value)).toEqual(['{"n":2,"level":"error"}']);

    const invalid = await execa(process.execPath, [LOGCLAW_BIN, 'produce', topic, '--value', '{oops', '--kafka-brokers', brokers], {
      env,
      extendEnv: false,
      reject: false,
    });
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stderr).toMatch(/error \[INVALID_REQUEST\]: The value is not valid JSON[\s\S]*hint: /);
    const unknown = await execa(process.execPath, [LOGCLAW_BIN, 'tail', 'no-such-topic', '--kafka-brokers', brokers], {
      env,
      extendEnv: false,
      reject: false,
    });
    expect(unknown.stderr).toContain('error [NOT_FOUND]');
    const unreachable = await execa(process.execPath, [LOGCLAW_BIN, 'topics', '--kafka-brokers', '127.0.0.1:1', '--json'], {
      env,
      extendEnv: false,
      reject: false,
    });
    expect(unreachable.exitCode).toBe(1);
    expect(JSON.parse(unreachable.stdout)).toMatchObject({ ok: false, error: { code: 'KAFKA_UNREACHABLE', hint: expect.any(String) } });
    const none = await execa(process.execPath, [LOGCLAW_BIN, 'topics'], { env, extendEnv: false, reject: false });
    expect(none.stderr).toMatch(/error \[KAFKA_UNREACHABLE\][\s\S]*hint: Pass --kafka-brokers/);
  });
});
