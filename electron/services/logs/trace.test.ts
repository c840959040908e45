// The trace's reasons, with the hops faked: forward down, topic missing, Kafka unreachable, a log
// Vector accepted that never reaches Kafka, OpenSearch unreachable.
import { describe, expect, it } from 'vitest';
import { AppError } from '#contract/errors.js';
import type { KafkaMessage } from '#contract/kafka.js';
import { type TraceDeps, runTrace } from './trace.js';

const options = { index: 'logclaw-logs-*', timeoutMs: 1_000, fields: {} };

function deps(overrides: Partial<TraceDeps> = {}): TraceDeps {
  return {
    resolveVector: async (explicit) => ({ url: explicit ?? 'http://127.0.0.1:18080', via: explicit ? 'explicit' : 'forward' }),
    post: async () => ({ ok: true, status: 200, latencyMs: 3 }),
    watchKafka: async (watch) => {
      const traceId = watch.text;
      setTimeout(() => {
        const message: KafkaMessage = {
          partition: 4,
          offset: '17',
          timestamp: Date.now(),
          key: 'logclaw-trace',
          value: JSON.stringify({ logclaw_trace_id: traceId, ingest_timestamp: new Date().toISOString() }),
          encoding: 'utf8',
          headers: {},
          size: 10,
          truncated: false,
        };
        watch.onMessages([message], Date.now());
      }, 20);
      return { stop: async () => undefined };
    },
    searchDocs: async ({ value }) => [{ index: 'logclaw-logs-2026.01.31', id: 'abc', source: { logclaw_trace_id: value } }],
    listIndices: async () => ['logclaw-logs-2026.01.31'],
    pollMs: 20,
    ...overrides,
  };
}

describe('runTrace', () => {
  it('reports every hop with its latency and where the log is', async () => {
    const result = await runTrace(options, deps());
    expect(result.stoppedAt).toBeNull();
    expect(result.hops.map((h) => h.state)).toEqual(['ok', 'ok', 'ok']);
    expect(result.hops[1]).toMatchObject({
      where: { partition: 4, offset: '17' },
      detail: expect.stringContaining('partition 4 offset 17'),
    });
    expect(result.hops[2]).toMatchObject({ where: { index: 'logclaw-logs-2026.01.31', id: 'abc' } });
  });

  it("says the stack's vector forward is down when resolving it fails", async () => {
    const result = await runTrace(
      options,
      deps({ resolveVector: async () => Promise.reject(new AppError('VECTOR_UNREACHABLE', "the stack's vector forward could not start")) }),
    );
    expect(result.stoppedAt).toBe('vector');
    expect(result.hops.map((h) => h.state)).toEqual(['failed', 'skipped', 'skipped']);
    expect(result.hops[0]).toMatchObject({ code: 'VECTOR_UNREACHABLE' });
  });

  it('names a refused forward as the forward being down', async () => {
    const result = await runTrace(
      options,
      deps({
        post: async () => ({
          ok: false,
          reason: 'connection_refused',
          retryable: true,
          status: null,
          message: 'connect ECONNREFUSED',
          latencyMs: 1,
        }),
      }),
    );
    expect(result.hops[0]).toMatchObject({
      state: 'failed',
      code: 'VECTOR_UNREACHABLE',
      reason: expect.stringContaining("the stack's vector forward is down"),
    });
  });

  it('stops at Kafka with "topic missing" and still checks OpenSearch', async () => {
    const result = await runTrace(
      options,
      deps({ watchKafka: async () => Promise.reject(new AppError('NOT_FOUND', 'Topic "raw-logs" does not exist')) }),
    );
    expect(result.stoppedAt).toBe('kafka');
    expect(result.hops[1]).toMatchObject({
      state: 'failed',
      code: 'NOT_FOUND',
      reason: expect.stringMatching(/^topic raw-logs is missing/),
    });
    expect(result.hops[2]!.state).toBe('ok');
  });

  it('stops at Kafka when it is unreachable, and when the log never arrives', async () => {
    const unreachable = await runTrace(
      options,
      deps({ watchKafka: async () => Promise.reject(new AppError('KAFKA_UNREACHABLE', 'Kafka at 127.0.0.1:9092 is not reachable')) }),
    );
    expect(unreachable.hops[1]).toMatchObject({
      state: 'failed',
      code: 'KAFKA_UNREACHABLE',
      reason: expect.stringContaining('forward down'),
    });
    const never = await runTrace(options, deps({ watchKafka: async () => ({ stop: async () => undefined }) }));
    expect(never.hops[1]).toMatchObject({ state: 'missing', code: 'TIMEOUT', reason: expect.stringContaining('not in raw-logs') });
  });

  it('stops at OpenSearch: unreachable, index missing, or not indexed', async () => {
    const down = await runTrace(
      options,
      deps({ searchDocs: async () => Promise.reject(new AppError('OPENSEARCH_UNREACHABLE', 'connect ECONNREFUSED 127.0.0.1:9200')) }),
    );
    expect(down.hops[2]).toMatchObject({
      state: 'failed',
      code: 'OPENSEARCH_UNREACHABLE',
      reason: expect.stringContaining('forward down'),
    });
    const noIndex = await runTrace(options, deps({ searchDocs: async () => [], listIndices: async () => [] }));
    expect(noIndex.hops[2]).toMatchObject({ state: 'failed', code: 'NOT_FOUND', reason: expect.stringMatching(/^index missing/) });
    const notIndexed = await runTrace(options, deps({ searchDocs: async () => [] }));
    expect(notIndexed.stoppedAt).toBe('opensearch');
    expect(notIndexed.hops[2]).toMatchObject({ state: 'missing', code: 'TIMEOUT' });
  });
});
