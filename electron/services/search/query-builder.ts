// Pure pieces of the search service: time ranges, histogram intervals, the simple-search request
// body, mapping flattening and index-pattern grouping. No I/O, unit-tested beside this file.
import type { FieldInfo, QuerySpec, SortSpec, TimeRange } from '#contract/search.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export function spanMs(span: string): number {
  const match = /^(\d+)([smhdw])$/.exec(span);
  if (!match) throw new Error(`not a span: ${span}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export function resolveRange(range: TimeRange, now: number): { from: number | null; to: number | null } {
  if (range.kind === 'relative') return { from: now - spanMs(range.last), to: now };
  if (range.kind === 'absolute') return { from: range.from, to: range.to };
  return { from: null, to: null };
}

/** Calendar-free intervals OpenSearch accepts as fixed_interval, smallest first. */
const INTERVALS: Array<[string, number]> = [
  ['1s', 1000],
  ['2s', 2000],
  ['5s', 5000],
  ['10s', 10_000],
  ['30s', 30_000],
  ['1m', 60_000],
  ['2m', 120_000],
  ['5m', 300_000],
  ['10m', 600_000],
  ['30m', 1_800_000],
  ['1h', 3_600_000],
  ['3h', 10_800_000],
  ['6h', 21_600_000],
  ['12h', 43_200_000],
  ['1d', 86_400_000],
  ['7d', 604_800_000],
  ['30d', 2_592_000_000],
  ['365d', 31_536_000_000],
];

/** The smallest interval that draws the span in at most `maxBars` bars. */
export function pickInterval(span: number, maxBars = 80): { interval: string; ms: number } {
  for (const [interval, ms] of INTERVALS) if (span / ms <= maxBars) return { interval, ms };
  const [interval, ms] = INTERVALS[INTERVALS.length - 1]!;
  return { interval, ms };
}

/** OpenSearch's interval notation (auto_date_histogram answers e.g. "7d", "1M") → ms. */
export function intervalMs(interval: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w|M|y)$/.exec(interval);
  if (!match) return 0;
  const n = Number(match[1]);
  const unit = match[2]!;
  const table: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    M: 2_592_000_000,
    y: 31_536_000_000,
  };
  return n * table[unit]!;
}

const AGGREGATABLE = new Set([
  'keyword',
  'constant_keyword',
  'wildcard',
  'date',
  'date_nanos',
  'long',
  'integer',
  'short',
  'byte',
  'double',
  'float',
  'half_float',
  'scaled_float',
  'unsigned_long',
  'boolean',
  'ip',
  'version',
]);

type MappingProperty = { type?: string; properties?: Record<string, MappingProperty>; fields?: Record<string, MappingProperty> };

/** Flattens `_mapping` of every index into dotted field names (multi-fields included), first type wins. */
export function flattenMappings(response: Record<string, { mappings?: { properties?: Record<string, MappingProperty> } }>): FieldInfo[] {
  const byName = new Map<string, { type: string; subs: string[] }>();
  const visit = (properties: Record<string, MappingProperty> | undefined, prefix: string) => {
    for (const [key, property] of Object.entries(properties ?? {})) {
      const name = prefix + key;
      if (property.properties) visit(property.properties, `${name}.`);
      if (!property.type && property.properties) continue;
      const type = property.type ?? 'object';
      if (!byName.has(name)) byName.set(name, { type, subs: [] });
      for (const [subKey, sub] of Object.entries(property.fields ?? {})) {
        const subName = `${name}.${subKey}`;
        if (!byName.has(subName)) byName.set(subName, { type: sub.type ?? 'object', subs: [] });
        if (AGGREGATABLE.has(sub.type ?? '')) byName.get(name)!.subs.push(subName);
      }
    }
  };
  for (const name of Object.keys(response).sort()) visit(response[name]!.mappings?.properties, '');
  return [...byName.entries()]
    .map(([name, { type, subs }]) => {
      const aggregatable = AGGREGATABLE.has(type);
      return { name, type, aggregatable, sortField: aggregatable ? name : (subs[0] ?? null) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The field to sort, filter exactly or aggregate on: the keyword variant when there is one. */
export function exactField(name: string, fields: readonly FieldInfo[]): string {
  return fields.find((field) => field.name === name)?.sortField ?? name;
}

const META_SORT = new Set(['_score', '_doc', '_id', '_index']);

export function sortClauses(sort: SortSpec, fields: readonly FieldInfo[], timeField: string): Array<Record<string, unknown>> {
  const clauses: Array<Record<string, unknown>> = [];
  if (META_SORT.has(sort.field)) {
    clauses.push({ [sort.field]: { order: sort.order } });
  } else {
    const field = exactField(sort.field, fields);
    const known = fields.find((f) => f.name === field);
    // unmapped_type lets indices without the field take part (they sort last).
    const unmappedType = known?.type ?? (sort.field === timeField ? 'date' : 'keyword');
    clauses.push({ [field]: { order: sort.order, unmapped_type: unmappedType } });
  }
  // A unique tie-breaker makes search_after pages exact when many hits share a timestamp.
  if (sort.field !== timeField && sort.field !== '_id' && sort.field !== '_score') {
    clauses.push({ [timeField]: { order: sort.order, unmapped_type: 'date' } });
  }
  if (sort.field !== '_id') clauses.push({ _id: { order: 'asc' } });
  return clauses;
}

export interface SimpleBodyOptions {
  size: number;
  now: number;
  searchAfter?: unknown[];
  from?: number;
  aggregations: boolean;
  fields: readonly FieldInfo[];
}

export interface SimpleBody {
  body: Record<string, unknown>;
  range: { from: number | null; to: number | null };
  histogram: { field: string; interval: string; ms: number } | { field: string; auto: true } | null;
}

const MATCH_ALL = { match_all: {} };

function allOf(filters: Array<Record<string, unknown>>): Record<string, unknown> {
  return filters.length ? { bool: { filter: filters } } : MATCH_ALL;
}

/**
 * Query string + time range as the query; level/service selections as post_filter, so each facet's
 * counts ignore its own selection (pick several levels) while the hits and histogram honour all.
 */
export function buildSimpleBody(spec: QuerySpec, options: SimpleBodyOptions): SimpleBody {
  const { fields, now } = options;
  const range = resolveRange(spec.range, now);
  const must: Array<Record<string, unknown>> = spec.query.trim()
    ? [{ query_string: { query: spec.query, analyze_wildcard: true } }]
    : [MATCH_ALL];
  const filter: Array<Record<string, unknown>> = [];
  if (range.from !== null && range.to !== null) {
    filter.push({ range: { [spec.timeField]: { gte: range.from, lte: range.to, format: 'epoch_millis' } } });
  }
  const levelField = exactField('level', fields);
  const serviceField = exactField('service', fields);
  const levelFilter = spec.levels.length ? [{ terms: { [levelField]: spec.levels } }] : [];
  const serviceFilter = spec.services.length ? [{ terms: { [serviceField]: spec.services } }] : [];
  const postFilters = [...levelFilter, ...serviceFilter];

  const body: Record<string, unknown> = {
    size: options.size,
    track_total_hits: true,
    query: { bool: { must, filter } },
    sort: sortClauses(spec.sort, fields, spec.timeField),
  };
  if (postFilters.length) body.post_filter = allOf(postFilters);
  if (options.searchAfter) body.search_after = options.searchAfter;
  else if (options.from) body.from = options.from;

  let histogram: SimpleBody['histogram'] = null;
  if (options.aggregations) {
    let over: Record<string, unknown>;
    if (range.from !== null && range.to !== null) {
      const { interval, ms } = pickInterval(range.to - range.from);
      histogram = { field: spec.timeField, interval, ms };
      over = {
        date_histogram: {
          field: spec.timeField,
          fixed_interval: interval,
          min_doc_count: 0,
          extended_bounds: { min: range.from, max: range.to },
        },
      };
    } else {
      histogram = { field: spec.timeField, auto: true };
      over = { auto_date_histogram: { field: spec.timeField, buckets: 60 } };
    }
    body.aggs = {
      histogram: { filter: allOf(postFilters), aggs: { over_time: over } },
      level: { filter: allOf(serviceFilter), aggs: { values: { terms: { field: levelField, size: 20 } } } },
      service: { filter: allOf(levelFilter), aggs: { values: { terms: { field: serviceField, size: 50 } } } },
    };
  }
  return { body, range, histogram };
}

/**
 * Groups an index under a pattern by its date or rollover suffix:
 * `logclaw-logs-2026.11.01` → `logclaw-logs-*`, `app-000003` → `app-*`; others stay as they are.
 */
export function indexPattern(name: string): string {
  const match = /^(.+?[-_.])(\d{4}[-_.]\d{2}(?:[-_.]\d{2})?(?:[-_.T]\d{2})?|\d{6,})$/.exec(name);
  return match ? `${match[1]}*` : name;
}
