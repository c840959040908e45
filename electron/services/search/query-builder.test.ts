import { describe, expect, it } from 'vitest';
import { QuerySpec } from '#contract/search.js';
import {
  buildSimpleBody,
  exactField,
  flattenMappings,
  indexPattern,
  intervalMs,
  pickInterval,
  resolveRange,
  sortClauses,
  spanMs,
} from './query-builder.js';

const FIELDS = flattenMappings({
  a: {
    mappings: {
      properties: {
        ingest_timestamp: { type: 'date' },
        level: { type: 'text', fields: { keyword: { type: 'keyword' } } },
        service: { type: 'keyword' },
        message: { type: 'text' },
        kubernetes: { properties: { pod: { type: 'keyword' }, labels: { properties: { app: { type: 'keyword' } } } } },
      },
    },
  },
  b: { mappings: { properties: { level: { type: 'keyword' }, extra: { type: 'long' } } } },
});

describe('search query builder', () => {
  it('parses spans and resolves ranges against a fixed now', () => {
    expect(spanMs('15m')).toBe(900_000);
    expect(spanMs('2w')).toBe(1_209_600_000);
    expect(resolveRange({ kind: 'relative', last: '1h' }, 10_000_000)).toEqual({ from: 6_400_000, to: 10_000_000 });
    expect(resolveRange({ kind: 'absolute', from: 1, to: 2 }, 0)).toEqual({ from: 1, to: 2 });
    expect(resolveRange({ kind: 'all' }, 5)).toEqual({ from: null, to: null });
  });

  it('picks an interval that draws the span in at most 80 bars', () => {
    expect(pickInterval(15 * 60_000)).toEqual({ interval: '30s', ms: 30_000 });
    expect(pickInterval(60 * 60_000)).toEqual({ interval: '1m', ms: 60_000 });
    expect(pickInterval(24 * 3_600_000)).toEqual({ interval: '30m', ms: 1_800_000 });
    expect(pickInterval(7 * 86_400_000)).toEqual({ interval: '3h', ms: 10_800_000 });
    expect(intervalMs('7d')).toBe(604_800_000);
    expect(intervalMs('1M')).toBe(2_592_000_000);
    expect(intervalMs('nonsense')).toBe(0);
  });

  it('flattens mappings with objects and multi-fields, first type wins', () => {
    expect(FIELDS.map((f) => `${f.name}:${f.type}:${f.sortField ?? '-'}`)).toEqual([
      'extra:long:extra',
      'ingest_timestamp:date:ingest_timestamp',
      'kubernetes.labels.app:keyword:kubernetes.labels.app',
      'kubernetes.pod:keyword:kubernetes.pod',
      'level:text:level.keyword',
      'level.keyword:keyword:level.keyword',
      'message:text:-',
      'service:keyword:service',
    ]);
    expect(exactField('level', FIELDS)).toBe('level.keyword');
    expect(exactField('unknown', FIELDS)).toBe('unknown');
  });

  it('sorts with unmapped_type and a unique tie-breaker for search_after', () => {
    expect(sortClauses({ field: 'ingest_timestamp', order: 'desc' }, FIELDS, 'ingest_timestamp')).toEqual([
      { ingest_timestamp: { order: 'desc', unmapped_type: 'date' } },
      { _id: { order: 'asc' } },
    ]);
    expect(sortClauses({ field: 'level', order: 'asc' }, FIELDS, 'ingest_timestamp')).toEqual([
      { 'level.keyword': { order: 'asc', unmapped_type: 'keyword' } },
      { ingest_timestamp: { order: 'asc', unmapped_type: 'date' } },
      { _id: { order: 'asc' } },
    ]);
    expect(sortClauses({ field: '_score', order: 'desc' }, FIELDS, 'ingest_timestamp')).toEqual([
      { _score: { order: 'desc' } },
      { _id: { order: 'asc' } },
    ]);
  });

  it('builds the simple body: query string, range, post_filter facets and a bounded histogram', () => {
    const spec = QuerySpec.parse({
      query: 'message:timeout',
      range: { kind: 'relative', last: '1h' },
      levels: ['ERROR'],
      services: ['checkout'],
    });
    const now = Date.parse('2026-11-01T12:00:00Z');
    const { body, range, histogram } = buildSimpleBody(spec, { size: 100, now, aggregations: true, fields: FIELDS });
    expect(range).toEqual({ from: now - 3_600_000, to: now });
    expect(histogram).toEqual({ field: 'ingest_timestamp', interval: '1m', ms: 60_000 });
    expect(body.query).toEqual({
      bool: {
        must: [{ query_string: { query: 'message:timeout', analyze_wildcard: true } }],
        filter: [{ range: { ingest_timestamp: { gte: now - 3_600_000, lte: now, format: 'epoch_millis' } } }],
      },
    });
    const level = { terms: { 'level.keyword': ['ERROR'] } };
    const service = { terms: { service: ['checkout'] } };
    expect(body.post_filter).toEqual({ bool: { filter: [level, service] } });
    const aggs = body.aggs as Record<string, { filter: unknown; aggs: Record<string, unknown> }>;
    expect(aggs.level!.filter).toEqual({ bool: { filter: [service] } });
    expect(aggs.service!.filter).toEqual({ bool: { filter: [level] } });
    expect(aggs.histogram!.aggs.over_time).toMatchObject({
      date_histogram: { fixed_interval: '1m', min_doc_count: 0, extended_bounds: { min: now - 3_600_000, max: now } },
    });
  });

  it('matches everything without a query and uses auto_date_histogram for all time; pages skip aggregations', () => {
    const spec = QuerySpec.parse({});
    const { body, histogram } = buildSimpleBody(spec, { size: 10, now: 0, aggregations: true, fields: [] });
    expect(body.query).toEqual({ bool: { must: [{ match_all: {} }], filter: [] } });
    expect(body.post_filter).toBeUndefined();
    expect(histogram).toEqual({ field: 'ingest_timestamp', auto: true });
    const page = buildSimpleBody(spec, { size: 10, now: 0, aggregations: false, fields: [], searchAfter: [5, 'x'] });
    expect(page.body.aggs).toBeUndefined();
    expect(page.body.search_after).toEqual([5, 'x']);
  });

  it('groups indices by their date or rollover suffix', () => {
    expect(indexPattern('logclaw-logs-2026.11.01')).toBe('logclaw-logs-*');
    expect(indexPattern('logclaw-logs-dev-local-2026.11')).toBe('logclaw-logs-dev-local-*');
    expect(indexPattern('app_2026-11-01-13')).toBe('app_*');
    expect(indexPattern('app-000003')).toBe('app-*');
    expect(indexPattern('.opendistro-job-scheduler-lock')).toBe('.opendistro-job-scheduler-lock');
    expect(indexPattern('metrics')).toBe('metrics');
  });
});
