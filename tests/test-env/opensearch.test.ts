// Proves the test OpenSearch is a real node: mappings, bulk, count, query_string and aggregations.
import { Client } from '@opensearch-project/opensearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestEnv } from '../support/test-env.js';

describe('test-env opensearch (OpenSearch from Maven Central jars)', () => {
  let client: Client;
  beforeAll(async () => {
    const env = await useTestEnv('opensearch');
    client = new Client({ node: env.opensearch.url });
  });

  it('indexes 1 000 documents and answers count, query_string and date_histogram exactly', async () => {
    const index = `te-check-${Date.now()}`;
    await client.indices.create({
      index,
      body: {
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: {
          properties: {
            ingest_timestamp: { type: 'date' },
            level: { type: 'keyword' },
            service: { type: 'keyword' },
            message: { type: 'text' },
          },
        },
      },
    });
    try {
      const start = Date.parse('2026-11-01T00:00:00Z');
      const levels = ['INFO', 'WARN', 'ERROR', 'DEBUG'];
      const body = Array.from({ length: 1000 }, (_, i) => [
        { index: { _index: index } },
        {
          ingest_timestamp: new Date(start + i * 60_000).toISOString(),
          level: levels[i % 4],
          service: i % 2 ? 'payment-api' : 'checkout',
          message: i % 20 === 0 ? `Payment failed: timeout ${i}` : `request ${i} ok`,
        },
      ]).flat();
      const bulk = await client.bulk({ body, refresh: true });
      expect(bulk.body.errors).toBe(false);

      expect((await client.count({ index })).body.count).toBe(1000);
      const search = await client.search({
        index,
        body: { query: { query_string: { query: 'message:"Payment failed" AND level:INFO' } }, size: 0, track_total_hits: true },
      });
      expect(search.body.hits.total).toMatchObject({ value: 50 });

      // The client's generated types reject a plain terms aggregation; the request itself is valid.
      const aggsRequest = {
        size: 0,
        aggs: { perHour: { date_histogram: { field: 'ingest_timestamp', fixed_interval: '1h' } }, levels: { terms: { field: 'level' } } },
      };
      const histogram = await client.search({ index, body: aggsRequest as Record<string, unknown> });
      const aggs = histogram.body.aggregations as Record<string, { buckets: Array<{ doc_count: number; key: string }> }>;
      expect(aggs.perHour!.buckets).toHaveLength(17);
      expect(aggs.perHour!.buckets[0]!.doc_count).toBe(60);
      expect(aggs.perHour!.buckets.reduce((sum, b) => sum + b.doc_count, 0)).toBe(1000);
      expect(aggs.levels!.buckets.map((b) => [b.key, b.doc_count]).sort()).toEqual([
        ['DEBUG', 250],
        ['ERROR', 250],
        ['INFO', 250],
        ['WARN', 250],
      ]);
    } finally {
      await client.indices.delete({ index });
    }
  });
});
