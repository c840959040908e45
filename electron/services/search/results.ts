// OpenSearch's search responses as the contract's SearchResult (hits, histogram, facets, the request
// and its curl), and the DSL text parsed with the line and column of a syntax error.
import { AppError } from '#contract/index.js';
import type { Endpoint, SearchHit, SearchResult, TermsBucket } from '#contract/search.js';
import { curlCommand } from './endpoint.js';

export type Json = Record<string, unknown>;
export type RawHit = {
  _index: string;
  _id: string;
  _score?: number | null;
  _source?: Json;
  sort?: Array<string | number | boolean | null>;
};
export type RawSearch = {
  took: number;
  timed_out: boolean;
  _shards: { total: number; successful: number; skipped?: number; failed: number };
  hits: { total?: { value: number; relation: 'eq' | 'gte' } | number; hits: RawHit[] };
  aggregations?: Json;
};
export type Buckets = { buckets: Array<{ key: number | string; key_as_string?: string; doc_count: number }>; interval?: string };

/** Parses the DSL text; a syntax error is QUERY_INVALID with the line and column in the text. */
export function parseDsl(text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message)?.[1];
    const detail: Record<string, unknown> = {
      type: 'json_parse_exception',
      reason: message,
      causes: [{ type: 'json_parse_exception', reason: message }],
      positionIn: 'body',
    };
    let at = '';
    if (offset !== undefined) {
      const before = text.slice(0, Number(offset));
      const line = before.split('\n').length;
      const col = Number(offset) - before.lastIndexOf('\n');
      Object.assign(detail, { line, col, offset: Number(offset) });
      at = ` (line ${line}, column ${col})`;
    }
    throw new AppError('QUERY_INVALID', `The query DSL is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}${at}`, {
      hint: 'Fix the JSON at that position; the body is an object like {"query": {"match_all": {}}}.',
      detail,
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('QUERY_INVALID', 'The query DSL must be a JSON object, e.g. {"query": {"match_all": {}}}', {
      detail: { type: 'json_parse_exception', reason: 'not an object', causes: [], positionIn: 'body', line: 1, col: 1 },
    });
  }
  return value as Json;
}

export function result(
  raw: RawSearch,
  hits: SearchHit[],
  extra: Pick<SearchResult, 'histogram' | 'facets' | 'next' | 'now' | 'range'> & { path: string; text: string; endpoint: Endpoint },
): SearchResult {
  const total =
    typeof raw.hits.total === 'number'
      ? { value: raw.hits.total, relation: 'eq' as const }
      : (raw.hits.total ?? { value: hits.length, relation: 'gte' as const });
  return {
    total: total.value,
    totalRelation: total.relation,
    took: raw.took,
    timedOut: raw.timed_out,
    shards: { total: raw._shards.total, successful: raw._shards.successful, skipped: raw._shards.skipped ?? 0, failed: raw._shards.failed },
    hits,
    histogram: extra.histogram,
    facets: extra.facets,
    next: extra.next,
    now: extra.now,
    range: extra.range,
    request: { method: 'POST', path: extra.path, body: extra.text },
    curl: curlCommand(extra.endpoint, 'POST', extra.path, extra.text),
  };
}

export function toHit(hit: RawHit): SearchHit {
  const out: SearchHit = { _index: hit._index, _id: hit._id, _score: hit._score ?? null, _source: hit._source ?? {} };
  if (hit.sort) out.sort = hit.sort;
  return out;
}

export function toHistogram(buckets: Buckets): Array<{ key: number; count: number }> {
  return buckets.buckets.map((bucket) => ({ key: Number(bucket.key), count: bucket.doc_count }));
}

export function toTerms(buckets: Buckets): TermsBucket[] {
  return buckets.buckets.map((bucket) => ({ key: String(bucket.key_as_string ?? bucket.key), count: bucket.doc_count }));
}
