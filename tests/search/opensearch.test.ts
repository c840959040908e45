// The search domain against a real OpenSearch node, through the backend's `call` (validation,
// domain, service, client). Documents are indexed directly, so every expectation is computed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import type { SearchRequest, SearchResult } from '#contract/search.js';
import { useTestEnv } from '../support/test-env.js';
import { LEVELS, SERVICES, createIndex, dropIndices, logDocs, uniquePrefix } from './fixtures.js';

const NOW = Date.parse('2026-11-02T12:00:00.000Z');
const DOCS = logDocs(120, NOW); // 10:01 … 12:00, one a minute
const prefix = uniquePrefix('it');
const pattern = `${prefix}-*`;
const dynamicIndex = `${prefix}dyn-2026.11.01`;

describe('search against a real OpenSearch node', () => {
  let client: Client;
  let backend: Backend;
  let dataDir: string;
  let endpoint: { url: string };
  const search = (request: Partial<SearchRequest>) =>
    backend.call('search:query', { endpoint, index: pattern, now: NOW, ...request }) as Promise<SearchResult>;
  const seqs = (result: SearchResult) => result.hits.map((hit) => hit._source.seq as number);

  beforeAll(async () => {
    const { opensearch } = await useTestEnv('opensearch');
    endpoint = { url: opensearch.url };
    client = new Client({ node: opensearch.url });
    // Two daily indices of one pattern (2 shards each, so merges across shards are exercised) and
    // a dynamically mapped one (level/service become text + .keyword).
    await createIndex(client, `${prefix}-2026.11.01`, DOCS.slice(0, 50), undefined, 2);
    await createIndex(client, `${prefix}-2026.11.02`, DOCS.slice(50), undefined, 2);
    await createIndex(client, dynamicIndex, DOCS.slice(0, 40), null);
    dataDir = mkdtempSync(join(tmpdir(), 'logclaw-search-'));
    backend = await createBackend({ transport: 'cli', dataDir });
  });
  afterAll(async () => {
    await backend?.close();
    if (client) {
      await dropIndices(client, `${prefix}*`);
      await client.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports cluster health, nodes and shards', async () => {
    const cluster = await backend.call('search:cluster', { endpoint });
    // The node is shared by every test file of the run: another file's index may have a replica.
    expect(cluster).toMatchObject({ url: endpoint.url, distribution: 'opensearch', numberOfNodes: 1, numberOfDataNodes: 1 });
    expect(cluster.status).toMatch(/^(green|yellow)$/);
    expect(cluster.version).toMatch(/^2\./);
    expect(cluster.shards.active).toBeGreaterThanOrEqual(5);
    expect(cluster.nodes).toHaveLength(1);
    expect(cluster.nodes[0]).toMatchObject({ clusterManager: true, ip: '127.0.0.1' });
    expect(cluster.nodes[0]!.heapPercent).toBeGreaterThan(0);
  });

  it('lists the indices with health, counts, size and pattern', async () => {
    const indices = await backend.call('search:indices', { endpoint, index: `${prefix}*` });
    expect(indices.map((i) => [i.index, i.health, i.status, i.docsCount, i.primaries, i.replicas, i.pattern])).toEqual([
      [`${prefix}-2026.11.01`, 'green', 'open', 50, 2, 0, pattern],
      [`${prefix}-2026.11.02`, 'green', 'open', 70, 2, 0, pattern],
      [dynamicIndex, 'green', 'open', 40, 1, 0, `${prefix}dyn-*`],
    ]);
    for (const index of indices) expect(index.sizeBytes).toBeGreaterThan(0);
  });

  it('reads the mapping as fields with their sortable variant', async () => {
    const mapping = await backend.call('search:mapping', { endpoint, index: `${prefix}*` });
    expect(mapping.indices).toHaveLength(3);
    const byName = Object.fromEntries(mapping.fields.map((f) => [f.name, f]));
    expect(byName.ingest_timestamp).toMatchObject({ type: 'date', aggregatable: true });
    expect(byName.message).toMatchObject({ type: 'text', aggregatable: false, sortField: 'message.keyword' });
    expect(byName.seq).toMatchObject({ type: 'integer', aggregatable: true });
  });

  it('matches everything, newest first, with exact total and took', async () => {
    const result = await search({ size: 10 });
    expect(result).toMatchObject({ total: 120, totalRelation: 'eq', timedOut: false, shards: { total: 4, failed: 0 } });
    expect(result.took).toBeGreaterThanOrEqual(0);
    expect(seqs(result)).toEqual([119, 118, 117, 116, 115, 114, 113, 112, 111, 110]);
    expect(result.hits[0]).toMatchObject({ _index: `${prefix}-2026.11.02`, _source: DOCS[119] });
    expect(result.request.path).toBe(`/${pattern}/_search`);
    expect(result.curl).toBe(
      `curl -sS -X POST '${endpoint.url}/${pattern}/_search' -H 'Content-Type: application/json' -d '${result.request.body}'`,
    );
  });

  it('runs query-string syntax', async () => {
    const failures = await search({ query: 'message:"Payment failed"', size: 100 });
    expect(failures.total).toBe(12);
    expect(seqs(failures).sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    const combined = await search({ query: 'level:ERROR AND service:checkout', size: 100 });
    const expected = DOCS.filter((d) => d.level === 'ERROR' && d.service === 'checkout').map((d) => d.seq);
    expect(combined.total).toBe(expected.length);
    expect(seqs(combined).sort((a, b) => a - b)).toEqual(expected);
  });

  it('filters by level and service; each facet counts without its own selection', async () => {
    const result = await search({ levels: ['ERROR', 'WARN'], services: ['auth'], size: 100 });
    const expected = DOCS.filter((d) => ['ERROR', 'WARN'].includes(d.level) && d.service === 'auth');
    expect(result.total).toBe(expected.length);
    expect(new Set(result.hits.map((h) => `${h._source.level}/${h._source.service}`))).toEqual(new Set(['ERROR/auth', 'WARN/auth']));
    const count = (pick: (d: (typeof DOCS)[number]) => boolean) => DOCS.filter(pick).length;
    // Level counts: service=auth only; service counts: level in (ERROR, WARN) only.
    expect(Object.fromEntries(result.facets!.level.map((b) => [b.key, b.count]))).toEqual(
      Object.fromEntries(LEVELS.map((level) => [level, count((d) => d.level === level && d.service === 'auth')])),
    );
    expect(Object.fromEntries(result.facets!.service.map((b) => [b.key, b.count]))).toEqual(
      Object.fromEntries(SERVICES.map((service) => [service, count((d) => d.service === service && ['ERROR', 'WARN'].includes(d.level))])),
    );
    // The histogram honours every filter.
    expect(result.histogram!.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(expected.length);
  });

  it('filters on the keyword variant of dynamically mapped fields', async () => {
    const result = await backend.call('search:query', {
      endpoint,
      index: dynamicIndex,
      levels: ['ERROR'],
      services: ['payment-api'],
      size: 100,
    });
    const expected = DOCS.slice(0, 40).filter((d) => d.level === 'ERROR' && d.service === 'payment-api');
    expect(result.total).toBe(expected.length);
    expect(result.facets!.level.map((b) => b.key).sort()).toEqual([...LEVELS].sort());
  });

  it('limits to a relative or absolute time range and draws the histogram over it', async () => {
    const last30 = await search({ range: { kind: 'relative', last: '30m' }, size: 100 });
    expect(last30.total).toBe(31); // 11:30 … 12:00, both ends included
    expect(last30.range).toEqual({ from: NOW - 30 * 60_000, to: NOW });
    expect(last30.histogram).toMatchObject({ field: 'ingest_timestamp', interval: '30s', intervalMs: 30_000 });
    expect(last30.histogram!.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(31);
    expect(last30.histogram!.buckets[0]!.key).toBeLessThanOrEqual(NOW - 30 * 60_000);
    expect(last30.histogram!.buckets.at(-1)!.key).toBeGreaterThan(NOW - 60_000);

    const from = Date.parse('2026-11-02T10:30:00Z');
    const to = Date.parse('2026-11-02T10:39:59Z');
    const absolute = await search({ range: { kind: 'absolute', from, to }, size: 100 });
    expect(seqs(absolute).sort((a, b) => a - b)).toEqual([29, 30, 31, 32, 33, 34, 35, 36, 37, 38]);
    expect(absolute.histogram!.interval).toBe('10s');

    const all = await search({ size: 0 });
    expect(all.histogram!.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(120);
  });

  it('sorts by time either way and by a keyword field', async () => {
    expect(seqs(await search({ sort: { field: 'ingest_timestamp', order: 'asc' }, size: 3 }))).toEqual([0, 1, 2]);
    const byService = await search({ sort: { field: 'service', order: 'asc' }, size: 120 });
    const services = byService.hits.map((h) => h._source.service as string);
    expect(services).toEqual([...services].sort());
    // Ties within a service fall back to time in the same direction.
    expect(seqs(byService).slice(0, 3)).toEqual([2, 5, 8]);
    const byMessage = await search({ sort: { field: 'message', order: 'asc' }, size: 1 });
    expect(byMessage.hits[0]!._source.message).toBe('Payment failed: timeout after 0 ms');
  });

  it('pages beyond the first page with search_after, exactly once per document', async () => {
    const seen: number[] = [];
    let page = await search({ size: 50, range: { kind: 'relative', last: '1d' } });
    seen.push(...seqs(page));
    while (page.next) {
      page = await search({
        size: 50,
        range: { kind: 'relative', last: '1d' },
        searchAfter: page.next.searchAfter,
        now: page.now,
        aggregations: false,
      });
      expect(page.histogram).toBeNull();
      seen.push(...seqs(page));
    }
    expect(seen).toHaveLength(120);
    expect(seen).toEqual([...Array(120).keys()].reverse());
  });

  it('runs a query DSL body as typed, with its own aggregations and paging', async () => {
    const dsl = JSON.stringify(
      { query: { term: { level: 'WARN' } }, sort: [{ seq: 'asc' }], aggs: { per_service: { terms: { field: 'service' } } } },
      null,
      2,
    );
    const first = await search({ mode: 'dsl', dsl, size: 20 });
    expect(first.total).toBe(30);
    expect(seqs(first)).toEqual(
      DOCS.filter((d) => d.level === 'WARN')
        .slice(0, 20)
        .map((d) => d.seq),
    );
    expect(first.request).toEqual({ method: 'POST', path: `/${pattern}/_search?size=20&track_total_hits=true`, body: dsl });
    expect((first.aggregations as { per_service: { buckets: unknown[] } }).per_service.buckets).toHaveLength(3);
    expect(first.histogram!.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(30);
    expect(first.next?.searchAfter).toEqual([DOCS.filter((d) => d.level === 'WARN')[19]!.seq]);
    const second = await search({ mode: 'dsl', dsl, size: 20, searchAfter: first.next!.searchAfter });
    expect(seqs(second)).toEqual(
      DOCS.filter((d) => d.level === 'WARN')
        .slice(20)
        .map((d) => d.seq),
    );
    expect(second.next).toBeNull();

    // Without a sort, pages continue with from; the body's own size wins.
    const unsorted = await search({ mode: 'dsl', dsl: '{"size": 100, "query": {"match": {"message": "payment"}}}' });
    expect(unsorted.hits).toHaveLength(12);
    expect(unsorted.next).toBeNull();
    const paged = await search({ mode: 'dsl', dsl: '{"query": {"match_all": {}}}', size: 100 });
    expect(paged.next).toEqual({ from: 100 });
    expect((await search({ mode: 'dsl', dsl: '{"query": {"match_all": {}}}', size: 100, from: 100 })).hits).toHaveLength(20);
  });

  it('returns DSL errors as QUERY_INVALID with OpenSearch’s reason and position', async () => {
    const dsl = '{\n  "query": {\n    "matchx": { "message": "x" }\n  }\n}';
    const error = await search({ mode: 'dsl', dsl }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'QUERY_INVALID',
      message: expect.stringContaining('unknown query [matchx]'),
      detail: { status: 400, type: 'parsing_exception', line: 3, positionIn: 'body' },
    });
    expect((error as { detail: { col: number } }).detail.col).toBeGreaterThan(0);

    const unsupported = await search({ mode: 'dsl', dsl: '{"query": {"match": {"message": {"query": "x", "bogus": 1}}}}' }).catch(
      (e: unknown) => e,
    );
    expect(unsupported).toMatchObject({
      code: 'QUERY_INVALID',
      message: expect.stringContaining('[match] query does not support [bogus]'),
      detail: { line: 1 },
    });

    const json = await search({ mode: 'dsl', dsl: '{\n  "query": {"match_all": {}},\n}' }).catch((e: unknown) => e);
    expect(json).toMatchObject({ code: 'QUERY_INVALID', detail: { type: 'json_parse_exception', line: 3, col: 1 } });

    const queryString = await search({ query: 'level:(ERROR' }).catch((e: unknown) => e);
    expect(queryString).toMatchObject({
      code: 'QUERY_INVALID',
      message: expect.stringContaining('Failed to parse query [level:(ERROR]'),
      detail: { positionIn: 'query', line: 1 },
    });

    const textSort = await search({ mode: 'dsl', dsl: '{"sort": [{"message": "asc"}]}' }).catch((e: unknown) => e);
    expect(textSort).toMatchObject({ code: 'QUERY_INVALID', hint: expect.stringContaining('keyword field') });

    const invalid = await search({ mode: 'dsl', dsl: '   ' }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('dsl') });
  });

  it('answers a missing concrete index with NOT_FOUND and an empty pattern with no hits', async () => {
    await expect(search({ index: `${prefix}-nope` })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('no such index'),
    });
    expect((await search({ index: `${prefix}-nothing-*` })).total).toBe(0);
  });

  it('deletes exactly one index, only when the name is repeated', async () => {
    const doomed = `${prefix}-2026.10.31`;
    await createIndex(client, doomed, logDocs(3, NOW));
    await expect(backend.call('search:deleteIndex', { endpoint, index: doomed, confirm: 'yes' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('confirm'),
    });
    await expect(backend.call('search:deleteIndex', { endpoint, index: `${prefix}-*`, confirm: `${prefix}-*` })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(backend.call('search:deleteIndex', { endpoint, index: doomed, confirm: doomed })).resolves.toEqual({ deleted: doomed });
    expect((await client.indices.exists({ index: doomed })).body).toBe(false);
    await expect(backend.call('search:deleteIndex', { endpoint, index: doomed, confirm: doomed })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await backend.call('search:indices', { endpoint, index: pattern })).map((i) => i.index)).toEqual([
      `${prefix}-2026.11.01`,
      `${prefix}-2026.11.02`,
    ]);
  });

  it('says what to do when OpenSearch is not there', async () => {
    await expect(backend.call('search:query', { index: pattern })).rejects.toMatchObject({
      code: 'OPENSEARCH_UNREACHABLE',
      hint: expect.stringContaining('port-forward svc/logclaw-opensearch-dev-local 9200:9200'),
    });
    await expect(backend.call('search:cluster', { endpoint: { url: 'http://127.0.0.1:9' } })).rejects.toMatchObject({
      code: 'OPENSEARCH_UNREACHABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    await expect(backend.call('search:cluster', { endpoint: { url: 'ftp://x' } })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
