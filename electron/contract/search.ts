// OpenSearch pane: connection, cluster health, indices, mapping, search (simple and query DSL),
// saved queries. Pure data shared with the renderer: no node, electron or react imports.
import { z } from 'zod';
import { type ChannelMap, type EventMap, httpUrl as httpUrlSchema } from './define.js';
import { Notice } from './schemas.js';

/** LogClaw's log indices (the seed: `logclaw-logs-*`, fields ingest_timestamp, level, service, message). */
export const DEFAULT_INDEX = 'logclaw-logs-*';
export const DEFAULT_TIME_FIELD = 'ingest_timestamp';
/** OpenSearch's default index.max_result_window: from + size may not go beyond it. */
export const MAX_PAGE = 10_000;

const httpUrl = httpUrlSchema('an OpenSearch URL', 'http://localhost:9200');

/** Where OpenSearch is and how to talk to it. The password never leaves the backend again. */
export const Endpoint = z
  .object({
    url: httpUrl,
    username: z.string().trim().min(1).max(256).optional(),
    password: z.string().max(1024).optional(),
    /** PEM file with the CA that signed the cluster's HTTP certificate. */
    caFile: z.string().trim().min(1).max(4096).optional(),
    /** Skip TLS verification (dev clusters with self-signed certificates). */
    insecure: z.boolean().optional(),
  })
  .strict();
export type Endpoint = z.infer<typeof Endpoint>;

/** The connection as the UI sees it: no password, only whether one is stored. */
export const ConnectionView = z.object({
  url: z.string(),
  username: z.string().optional(),
  hasPassword: z.boolean(),
  caFile: z.string().optional(),
  insecure: z.boolean(),
});
export type ConnectionView = z.infer<typeof ConnectionView>;

export const ConnectionState = z.object({
  /** The saved connection, or null: then the stack's forward (when running) or an error. */
  connection: ConnectionView.nullable(),
  /** Problems reading search.json (kept as search.json.bak). */
  notices: z.array(Notice),
});
export type ConnectionState = z.infer<typeof ConnectionState>;

export const ConnectionInput = Endpoint.extend({
  /** undefined keeps the stored password (same URL and user); null or "" removes it. */
  password: z.string().max(1024).nullable().optional(),
}).strict();
export type ConnectionInput = z.infer<typeof ConnectionInput>;

/** An index name or pattern as OpenSearch accepts it in a URL path (wildcards and commas allowed). */
export const IndexPattern = z
  .string()
  .trim()
  .min(1, 'an index or pattern is required')
  .max(1024)
  .regex(/^[^\s"\\/<>|?#]+$/, 'an index name or pattern: no spaces or any of " \\ / < > | ? #');

/** A single concrete index (for deletion): no wildcards, lists or _all. */
export const IndexName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[^\s"\\/<>|?#*,:]+$/, 'one concrete index name: no wildcards, commas or spaces')
  .refine((name) => name !== '_all' && !name.startsWith('-') && name !== '.' && name !== '..', 'one concrete index name');

const target = { endpoint: Endpoint.optional() };

export const ClusterHealth = z.enum(['green', 'yellow', 'red']);
export type ClusterHealth = z.infer<typeof ClusterHealth>;

export const ClusterNode = z.object({
  name: z.string(),
  ip: z.string(),
  roles: z.string(),
  clusterManager: z.boolean(),
  heapPercent: z.number().nullable(),
  ramPercent: z.number().nullable(),
  cpu: z.number().nullable(),
  load1m: z.number().nullable(),
  diskUsedPercent: z.number().nullable(),
});
export type ClusterNode = z.infer<typeof ClusterNode>;

export const ClusterInfo = z.object({
  /** The URL used, without credentials. */
  url: z.string(),
  clusterName: z.string(),
  status: ClusterHealth,
  version: z.string().nullable(),
  distribution: z.string().nullable(),
  numberOfNodes: z.number(),
  numberOfDataNodes: z.number(),
  shards: z.object({
    active: z.number(),
    primary: z.number(),
    relocating: z.number(),
    initializing: z.number(),
    unassigned: z.number(),
    activePercent: z.number(),
  }),
  nodes: z.array(ClusterNode),
  checkedAt: z.number(),
});
export type ClusterInfo = z.infer<typeof ClusterInfo>;

export const IndexInfo = z.object({
  index: z.string(),
  /** null for closed indices (no health). */
  health: ClusterHealth.nullable(),
  status: z.string(),
  docsCount: z.number().nullable(),
  docsDeleted: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  primaries: z.number(),
  replicas: z.number(),
  /** The group the index belongs to: `logclaw-logs-2026.11.01` → `logclaw-logs-*`; else the name itself. */
  pattern: z.string(),
  /** Dot-prefixed (system or plugin) index. */
  system: z.boolean(),
});
export type IndexInfo = z.infer<typeof IndexInfo>;

export const FieldInfo = z.object({
  /** Dotted path, e.g. `message` or `message.keyword`. */
  name: z.string(),
  type: z.string(),
  /** Usable for sort and terms aggregations as is. */
  aggregatable: z.boolean(),
  /** The keyword variant to sort or aggregate on (the field itself, or its `.keyword` sub-field). */
  sortField: z.string().nullable(),
});
export type FieldInfo = z.infer<typeof FieldInfo>;

export const MappingInfo = z.object({ index: z.string(), indices: z.array(z.string()), fields: z.array(FieldInfo) });
export type MappingInfo = z.infer<typeof MappingInfo>;

/** A relative span: a positive count and a unit (s, m, h, d, w), e.g. `15m`, `24h`, `7d`. */
export const RelativeSpan = z.string().regex(/^[1-9]\d{0,5}[smhdw]$/, 'a span like 15m, 1h, 7d (units s, m, h, d, w)');

export const TimeRange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('relative'), last: RelativeSpan }).strict(),
  z
    .object({ kind: z.literal('absolute'), from: z.number().int(), to: z.number().int() })
    .strict()
    .refine((range) => range.from < range.to, 'the range must end after it starts'),
  z.object({ kind: z.literal('all') }).strict(),
]);
export type TimeRange = z.infer<typeof TimeRange>;

export const SortSpec = z.object({ field: z.string().trim().min(1).max(512), order: z.enum(['asc', 'desc']) }).strict();
export type SortSpec = z.infer<typeof SortSpec>;

const filterValues = z.array(z.string().min(1).max(512)).max(100);
const sortValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** What a search is: the pane's state, also what a saved query stores. */
export const QuerySpec = z
  .object({
    index: IndexPattern.default(DEFAULT_INDEX),
    /** simple: query string + time range + quick filters + sort; dsl: the request body as typed. */
    mode: z.enum(['simple', 'dsl']).default('simple'),
    /** Query-string syntax (Lucene); empty matches everything. */
    query: z.string().max(10_000).default(''),
    /** The query DSL body, JSON text exactly as typed (OpenSearch's error positions refer to it). */
    dsl: z.string().max(1_000_000).default(''),
    range: TimeRange.default({ kind: 'all' }),
    timeField: z.string().trim().min(1).max(512).default(DEFAULT_TIME_FIELD),
    levels: filterValues.default([]),
    services: filterValues.default([]),
    sort: SortSpec.default({ field: DEFAULT_TIME_FIELD, order: 'desc' }),
  })
  .strict();
export type QuerySpec = z.infer<typeof QuerySpec>;
export type QuerySpecInput = z.input<typeof QuerySpec>;

export const SearchRequest = QuerySpec.extend({
  ...target,
  /** Hits per page. */
  size: z.number().int().min(0).max(MAX_PAGE).default(500),
  /** Next page: the `sort` values of the last hit shown (from `next.searchAfter`). */
  searchAfter: z.array(sortValue).max(16).optional(),
  /** Next page when hits carry no sort values (a DSL body without sort). */
  from: z.number().int().min(0).max(MAX_PAGE).optional(),
  /** The instant relative ranges end at; pass `now` from the first page so pages line up. */
  now: z.number().int().optional(),
  /** Date histogram and level/service terms (first page only; pages skip them). */
  aggregations: z.boolean().default(true),
})
  .strict()
  .superRefine((request, ctx) => {
    if (request.mode === 'dsl' && request.dsl.trim() === '')
      ctx.addIssue({ code: 'custom', path: ['dsl'], message: 'the query DSL body is empty' });
    if (request.searchAfter && request.from !== undefined)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'use searchAfter or from, not both' });
  });
export type SearchRequest = z.input<typeof SearchRequest>;

export const SearchHit = z.object({
  _index: z.string(),
  _id: z.string(),
  _score: z.number().nullable(),
  _source: z.record(z.string(), z.unknown()),
  sort: z.array(sortValue).optional(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const TermsBucket = z.object({ key: z.string(), count: z.number() });
export type TermsBucket = z.infer<typeof TermsBucket>;

export const Histogram = z.object({
  field: z.string(),
  /** OpenSearch's interval notation, e.g. `1m`, `30s`. */
  interval: z.string(),
  intervalMs: z.number(),
  /** Bucket start (epoch ms) and hit count, oldest first. */
  buckets: z.array(z.object({ key: z.number(), count: z.number() })),
});
export type Histogram = z.infer<typeof Histogram>;

export const SearchResult = z.object({
  total: z.number(),
  /** `gte` when OpenSearch stopped counting (a DSL body with track_total_hits off or a number). */
  totalRelation: z.enum(['eq', 'gte']),
  took: z.number(),
  timedOut: z.boolean(),
  shards: z.object({ total: z.number(), successful: z.number(), skipped: z.number(), failed: z.number() }),
  hits: z.array(SearchHit),
  histogram: Histogram.nullable(),
  /** Quick-filter values with counts (each facet ignores its own selection, like Discover). */
  facets: z.object({ level: z.array(TermsBucket), service: z.array(TermsBucket) }).nullable(),
  /** Aggregations a DSL body asked for, as OpenSearch returned them. */
  aggregations: z.unknown().optional(),
  /** How to ask for the next page, or null when this page is the last. */
  next: z.object({ searchAfter: z.array(sortValue).optional(), from: z.number().optional() }).nullable(),
  /** The instant relative ranges were resolved against (pass it back for the next pages). */
  now: z.number(),
  /** The range searched, resolved to epoch ms (null bounds: open). */
  range: z.object({ from: z.number().nullable(), to: z.number().nullable() }),
  /** The request exactly as sent: for "copy as curl" and "edit as DSL". */
  request: z.object({ method: z.literal('POST'), path: z.string(), body: z.string() }),
  /** The same request as a curl command line (no password: curl asks for it). */
  curl: z.string(),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const SavedQuery = QuerySpec.extend({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  /** Table columns (field names) shown with this query. */
  columns: z.array(z.string().min(1).max(512)).max(100).default([]),
  savedAt: z.number(),
});
export type SavedQuery = z.infer<typeof SavedQuery>;

export const SaveQueryRequest = z
  .object({
    name: z.string().trim().min(1, 'a name is required').max(200),
    query: QuerySpec,
    columns: z.array(z.string().min(1).max(512)).max(100).default([]),
  })
  .strict();

export const searchChannels = {
  'search:connection': { request: z.object({}).strict().default({}), response: ConnectionState },
  /** Saves (or with null, forgets) the connection the app uses when no URL is given. */
  'search:setConnection': { request: z.object({ connection: ConnectionInput.nullable() }).strict(), response: ConnectionState },
  'search:cluster': { request: z.object(target).strict().default({}), response: ClusterInfo },
  'search:indices': {
    request: z
      .object({ ...target, index: IndexPattern.default('*') })
      .strict()
      .default({ index: '*' }),
    response: z.array(IndexInfo),
  },
  /** Deletes one index; `confirm` must repeat its name. */
  'search:deleteIndex': {
    request: z
      .object({ ...target, index: IndexName, confirm: z.string() })
      .strict()
      .refine((request) => request.confirm === request.index, { message: 'confirm must repeat the index name exactly', path: ['confirm'] }),
    response: z.object({ deleted: z.string() }),
  },
  'search:mapping': {
    request: z
      .object({ ...target, index: IndexPattern.default(DEFAULT_INDEX) })
      .strict()
      .default({ index: DEFAULT_INDEX }),
    response: MappingInfo,
  },
  'search:query': { request: SearchRequest, response: SearchResult },
  'search:savedQueries': { request: z.object({}).strict().default({}), response: z.array(SavedQuery) },
  /** Saves under a name; saving an existing name replaces that query. */
  'search:saveQuery': { request: SaveQueryRequest, response: z.array(SavedQuery) },
  'search:deleteSavedQuery': { request: z.object({ id: z.string().min(1) }).strict(), response: z.array(SavedQuery) },
} as const satisfies ChannelMap;

export const searchEvents = {} as const satisfies EventMap;
