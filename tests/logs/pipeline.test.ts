// Anomaly producer and pipeline trace against the real Kafka and OpenSearch, with the Vector
// stand-in writing raw-logs and logclaw-logs-YYYY.MM.DD like the local chart profile.
import { randomBytes } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import { AnomalyEvent } from '#contract/logs.js';
import { type VectorReceiver, ensurePipelineTopics, startVectorReceiver } from '../fakes/vector-receiver.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { highWatermarks, readKafkaAt } from './support.js';

const tempDir = useTempDir('logclaw-logs-pipeline-');

describe('anomaly producer and pipeline trace', () => {
  let backend: Backend;
  let receiver: VectorReceiver;
  let kafkaOnly: VectorReceiver;
  let brokers: string;
  let osUrl: string;
  let os: Client;
  const traced: string[] = [];

  beforeAll(async () => {
    const { kafka, opensearch } = await useTestEnv('kafka', 'opensearch');
    brokers = kafka.brokers;
    osUrl = opensearch.url;
    os = new Client({ node: osUrl });
    await ensurePipelineTopics(brokers);
    receiver = await startVectorReceiver({ kafka: { brokers }, opensearch: { url: osUrl } });
    kafkaOnly = await startVectorReceiver({ kafka: { brokers } });
    backend = await createBackend({ transport: 'cli', dataDir: tempDir(), env: {} });
    // Where Kafka and OpenSearch are, as a user sets them up in their panes.
    await backend.call('kafka:setConnection', { mode: 'direct', brokers: [brokers], save: false });
    await backend.call('search:setConnection', { connection: { url: osUrl } });
  });
  afterAll(async () => {
    await backend?.close();
    await receiver?.close();
    await kafkaOnly?.close();
    if (os) {
      if (traced.length) {
        await os
          .deleteByQuery({
            index: 'logclaw-logs-*',
            body: { query: { terms: { 'logclaw_trace_id.keyword': traced } } },
            refresh: true,
          } as never)
          .catch(() => undefined);
      }
      await os.close();
    }
  });

  it('produces a schema-valid anomaly event to anomaly-events, read back from Kafka', async () => {
    const result = await backend.call('logs:sendAnomaly', {
      service: 'payment-api',
      severity: 'critical',
      score: 0.92,
      message: 'Error rate spike to 15%',
    });
    expect(result).toMatchObject({
      topic: 'anomaly-events',
      event: { service: 'payment-api', severity: 'critical', score: 0.92, message: 'Error rate spike to 15%' },
    });
    expect(result.event.anomaly_id).toMatch(/^ANO-[0-9A-F]{8}$/);
    const read = await readKafkaAt(brokers, 'anomaly-events', result.partition, result.offset);
    expect(read.key).toBe('payment-api');
    const event = AnomalyEvent.parse(JSON.parse(read.value));
    expect(event).toEqual(result.event);
    expect(Date.parse(event.timestamp!)).toBeGreaterThan(Date.now() - 120_000);
  });

  it('refuses an invalid severity or score with a coded error and produces nothing', async () => {
    const before = await highWatermarks(brokers, 'anomaly-events');
    await expect(backend.call('logs:sendAnomaly', { service: 'payment-api', severity: 'urgent', score: 0.5 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('severity'),
    });
    await expect(backend.call('logs:sendAnomaly', { service: 'payment-api', severity: 'high', score: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('score'),
    });
    await expect(backend.call('logs:sendAnomaly', { service: '', severity: 'low', score: 0.1 })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(await highWatermarks(brokers, 'anomaly-events')).toBe(before);
  });

  it('traces a log: Vector → Kafka raw-logs (partition, offset) → OpenSearch, each hop with its latency', async () => {
    const progress: string[] = [];
    const off = backend.bus.on('logs:traceProgress', (result) => progress.push(result.hops.map((h) => `${h.hop}:${h.state}`).join(',')));
    const result = await backend.call('logs:trace', { vectorUrl: receiver.url, timeoutMs: 30_000 });
    off();
    traced.push(result.traceId);
    expect(result.stoppedAt, JSON.stringify(result.hops, null, 2)).toBeNull();
    expect(result.hops.map((h) => [h.hop, h.state])).toEqual([
      ['vector', 'ok'],
      ['kafka', 'ok'],
      ['opensearch', 'ok'],
    ]);
    for (const hop of result.hops) expect(hop.latencyMs).toBeGreaterThanOrEqual(0);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toBe('vector:ok,kafka:ok,opensearch:ok');

    // Independently: the record at that partition and offset is the traced log, stamped by "Vector".
    const kafka = result.hops[1]!;
    const record = await readKafkaAt(brokers, 'raw-logs', kafka.where!.partition!, kafka.where!.offset!);
    const value = JSON.parse(record.value) as Record<string, unknown>;
    expect(value).toMatchObject({ logclaw_trace_id: result.traceId, service: 'logclaw-trace', tenant: 'dev-local' });
    expect(typeof value.ingest_timestamp).toBe('string');
    expect(record.key).toBe('logclaw-trace');
    const opensearch = result.hops[2]!;
    const day = new Date(String(value.timestamp)).toISOString().slice(0, 10).replaceAll('-', '.');
    expect(opensearch.where?.index).toBe(`logclaw-logs-${day}`);
    const doc = await os.get({ index: opensearch.where!.index!, id: opensearch.where!.id! });
    expect((doc.body as { _source: Record<string, unknown> })._source.logclaw_trace_id).toBe(result.traceId);
  });

  it('stops at the OpenSearch hop with "index missing" when nothing indexes the logs', async () => {
    const pattern = `logclaw-missing-${randomBytes(3).toString('hex')}-*`;
    const result = await backend.call('logs:trace', { vectorUrl: kafkaOnly.url, index: pattern, timeoutMs: 4_000 });
    expect(result.hops.map((h) => [h.hop, h.state])).toEqual([
      ['vector', 'ok'],
      ['kafka', 'ok'],
      ['opensearch', 'failed'],
    ]);
    expect(result.stoppedAt).toBe('opensearch');
    expect(result.hops[2]).toMatchObject({
      code: 'NOT_FOUND',
      reason: expect.stringMatching(new RegExp(`^index missing: no index matches ${pattern.replace('*', '\\*')}`)),
    });
  });

  it('stops at the Vector hop when Vector is down, and does not look further', async () => {
    const result = await backend.call('logs:trace', { vectorUrl: 'http://127.0.0.1:1', timeoutMs: 2_000 });
    expect(result.stoppedAt).toBe('vector');
    expect(result.hops.map((h) => h.state)).toEqual(['failed', 'skipped', 'skipped']);
    expect(result.hops[0]).toMatchObject({ code: 'VECTOR_UNREACHABLE', reason: expect.stringContaining('not reachable') });
  });

  it('runs the canary: per-hop delivered counts and latency percentiles, health ok', async () => {
    const started = await backend.call('logs:canaryStart', { vectorUrl: receiver.url, intervalMs: 300, deadlineMs: 10_000 });
    expect(started.state).toBe('running');
    let status = started;
    const until = Date.now() + 40_000;
    while (Date.now() < until) {
      status = await backend.call('logs:canaryStatus', {});
      if (status.health === 'ok' && status.hops.every((h) => h.delivered >= 5)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const stopped = await backend.call('logs:canaryStop', {});
    expect(status.health, status.healthReason).toBe('ok');
    for (const hop of status.hops) {
      expect(hop, hop.hop).toMatchObject({ missing: 0, duplicated: 0, outOfOrder: 0 });
      expect(hop.delivered).toBeGreaterThanOrEqual(5);
      expect(hop.p50).not.toBeNull();
      expect(hop.p95!).toBeGreaterThanOrEqual(hop.p50!);
    }
    expect(stopped).toMatchObject({ state: 'stopped', health: 'idle' });
    traced.push(...Array.from({ length: stopped.sent }, (_, i) => `${stopped.runId}-${i}`));
  });
});
