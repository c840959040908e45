// The OpenSearch capability: cluster health, indices, mapping, search (simple and DSL). The only
// module that uses @opensearch-project/opensearch. Where OpenSearch is comes from `resolveEndpoint`
// (a saved URL today; the stack's port-forward later), or from an explicit endpoint per call.
import type { Client } from '@opensearch-project/opensearch';
import { AppError } from '#contract/index.js';
import {
  type ClusterHealth,
  type ClusterInfo,
  type Endpoint,
  type FieldInfo,
  type IndexInfo,
  MAX_PAGE,
  type MappingInfo,
  type QuerySpec,
  type SearchResult,
} from '#contract/search.js';
import { clientConfig, endpointKey, normalizeEndpoint, type ResolveEndpoint } from './endpoint.js';
import { toAppError } from './errors.js';
import { type Buckets, type Json, type RawSearch, parseDsl, result, toHistogram, toHit, toTerms } from './results.js';
import { buildSimpleBody, flattenMappings, indexPattern, intervalMs } from './query-builder.js';

export interface SearchServiceOptions {
  resolveEndpoint: ResolveEndpoint;
  /** For hints that name the stack's forward (namespace logclaw-<tenant>). */
  tenant?: () => string;
  /** Per-request timeout in ms. */
  requestTimeout?: number;
  now?: () => number;
}

export interface QueryOptions {
  size: number;
  searchAfter?: Array<string | number | boolean | null>;
  from?: number;
  now?: number;
  aggregations: boolean;
}

const FIELDS_TTL_MS = 30_000;
const MAX_CLIENTS = 4;

export class SearchService {
  readonly #options: SearchServiceOptions;
  readonly #clients = new Map<string, Promise<Client>>();
  readonly #fields = new Map<string, { at: number; fields: FieldInfo[] }>();

  constructor(options: SearchServiceOptions) {
    this.#options = options;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  async #endpoint(override?: Endpoint): Promise<Endpoint> {
    return normalizeEndpoint(override ?? (await this.#options.resolveEndpoint()));
  }

  /**
   * One client per endpoint configuration, the last few kept (a request on one endpoint never has
   * its client closed under it by a request on another); concurrent callers share the one being made.
   */
  #clientFor(endpoint: Endpoint): Promise<Client> {
    const key = endpointKey(endpoint);
    const cached = this.#clients.get(key);
    if (cached) {
      this.#clients.delete(key);
      this.#clients.set(key, cached);
      return cached;
    }
    const client = Promise.all([clientConfig(endpoint), import('@opensearch-project/opensearch')]).then(
      ([config, { Client }]) =>
        new Client({
          ...config,
          maxRetries: 0,
          requestTimeout: this.#options.requestTimeout ?? 30_000,
          // gzip answers: 5 000 hits are ~2 MB of JSON, and a port-forward tunnel is slow.
          suggestCompression: true,
          // Plain JSON.parse: the guarded parser takes ~3× longer on large result pages. Safe here:
          // documents are only copied by reference and serialised again, never merged into objects.
          disablePrototypePoisoningProtection: true,
        }),
    );
    this.#clients.set(key, client);
    // A CA file that cannot be read is not cached: the next call tries again.
    client.catch(() => {
      if (this.#clients.get(key) === client) this.#clients.delete(key);
    });
    while (this.#clients.size > MAX_CLIENTS) {
      const [oldestKey, oldest] = this.#clients.entries().next().value!;
      this.#clients.delete(oldestKey);
      void oldest.then((old) => old.close()).catch(() => undefined);
    }
    return client;
  }

  /** Runs `fn` with a client for the endpoint, turning every failure into a coded AppError. */
  async #with<T>(override: Endpoint | undefined, action: string, fn: (client: Client, endpoint: Endpoint) => Promise<T>): Promise<T> {
    const endpoint = await this.#endpoint(override);
    try {
      return await fn(await this.#clientFor(endpoint), endpoint);
    } catch (error) {
      throw toAppError(error, { url: endpoint.url, action, https: endpoint.url.startsWith('https:'), tenant: this.#options.tenant?.() });
    }
  }

  async cluster(override?: Endpoint): Promise<ClusterInfo> {
    return this.#with(override, 'cluster health', async (client, endpoint) => {
      const [health, info, nodes] = await Promise.all([
        client.cluster.health({}),
        client.info().catch(() => null),
        client.cat
          .nodes({ format: 'json', h: 'name,ip,node.role,cluster_manager,heap.percent,ram.percent,cpu,load_1m,disk.used_percent' } as never)
          .catch(() => null),
      ]);
      const h = health.body as unknown as Json;
      const version = (info?.body as { version?: { number?: string; distribution?: string } } | undefined)?.version;
      const rows = (nodes?.body ?? []) as unknown as Array<Record<string, string | null>>;
      return {
        url: endpoint.url,
        clusterName: String(h.cluster_name ?? ''),
        status: (['green', 'yellow', 'red'].includes(String(h.status)) ? h.status : 'red') as ClusterHealth,
        version: version?.number ?? null,
        distribution: version?.distribution ?? (version ? 'elasticsearch' : null),
        numberOfNodes: Number(h.number_of_nodes ?? 0),
        numberOfDataNodes: Number(h.number_of_data_nodes ?? 0),
        shards: {
          active: Number(h.active_shards ?? 0),
          primary: Number(h.active_primary_shards ?? 0),
          relocating: Number(h.relocating_shards ?? 0),
          initializing: Number(h.initializing_shards ?? 0),
          unassigned: Number(h.unassigned_shards ?? 0),
          activePercent: Number(h.active_shards_percent_as_number ?? 0),
        },
        nodes: rows
          .map((row) => ({
            name: row.name ?? '',
            ip: row.ip ?? '',
            roles: row['node.role'] ?? '',
            clusterManager: row.cluster_manager === '*',
            heapPercent: num(row['heap.percent']),
            ramPercent: num(row['ram.percent']),
            cpu: num(row.cpu),
            load1m: num(row.load_1m),
            diskUsedPercent: num(row['disk.used_percent']),
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        checkedAt: this.#now(),
      };
    });
  }

  async indices(index = '*', override?: Endpoint): Promise<IndexInfo[]> {
    return this.#with(override, `list indices ${index}`, async (client) => {
      const response = await client.cat.indices({ index, format: 'json', bytes: 'b' } as never);
      const rows = response.body as unknown as Array<Record<string, string | null>>;
      return rows
        .map((row) => {
          const name = row.index ?? '';
          const health = row.health;
          return {
            index: name,
            health: health === 'green' || health === 'yellow' || health === 'red' ? health : null,
            status: row.status ?? 'unknown',
            docsCount: num(row['docs.count']),
            docsDeleted: num(row['docs.deleted']),
            sizeBytes: num(row['store.size']),
            primaries: num(row.pri) ?? 0,
            replicas: num(row.rep) ?? 0,
            pattern: indexPattern(name),
            system: name.startsWith('.'),
          } satisfies IndexInfo;
        })
        .sort((a, b) => a.index.localeCompare(b.index));
    });
  }

  async deleteIndex(index: string, override?: Endpoint): Promise<{ deleted: string }> {
    if (/[*,]/.test(index) || index === '_all')
      throw new AppError('INVALID_REQUEST', `Refusing to delete "${index}": name one concrete index`);
    return this.#with(override, `delete index ${index}`, async (client) => {
      // Exactly this concrete index: a name that resolves to other indices is an alias.
      const found = Object.keys((await client.indices.get({ index })).body as object);
      if (found.length !== 1 || found[0] !== index) {
        throw new AppError('INVALID_REQUEST', `${index} is an alias of ${found.join(', ')}; delete the index itself`, {
          hint: 'Pick the concrete index in the list.',
        });
      }
      await client.indices.delete({ index });
      this.#fields.clear();
      return { deleted: index };
    });
  }

  async mapping(index: string, override?: Endpoint): Promise<MappingInfo> {
    return this.#with(override, `read the mapping of ${index}`, async (client) => {
      const response = await client.indices.getMapping({ index });
      const body = response.body as unknown as Record<string, { mappings?: Json }>;
      const fields = flattenMappings(body as never);
      this.#fields.set(`${endpointKey(await this.#endpoint(override))}|${index}`, { at: this.#now(), fields });
      return { index, indices: Object.keys(body).sort(), fields };
    });
  }

  /** The mapping's fields, cached briefly: the simple search resolves keyword variants with them. */
  async #fieldsFor(client: Client, endpoint: Endpoint, index: string): Promise<FieldInfo[]> {
    const key = `${endpointKey(endpoint)}|${index}`;
    const cached = this.#fields.get(key);
    if (cached && this.#now() - cached.at < FIELDS_TTL_MS) return cached.fields;
    let fields: FieldInfo[] = [];
    try {
      const response = await client.indices.getMapping({ index });
      fields = flattenMappings(response.body as never);
    } catch {
      // A missing index shows up as the search's own (better worded) error.
    }
    this.#fields.set(key, { at: this.#now(), fields });
    return fields;
  }

  async search(spec: QuerySpec, options: QueryOptions, override?: Endpoint): Promise<SearchResult> {
    const size = Math.min(options.size, MAX_PAGE - (options.from ?? 0));
    if (size < 0) throw new AppError('INVALID_REQUEST', `from + size may not exceed ${MAX_PAGE} (OpenSearch's max_result_window)`);
    const now = options.now ?? this.#now();
    return this.#with(override, `search ${spec.index}`, (client, endpoint) =>
      spec.mode === 'dsl'
        ? this.#dsl(client, endpoint, spec, { ...options, size, now })
        : this.#simple(client, endpoint, spec, { ...options, size, now }),
    );
  }

  async #simple(client: Client, endpoint: Endpoint, spec: QuerySpec, options: QueryOptions & { now: number }): Promise<SearchResult> {
    const fields = await this.#fieldsFor(client, endpoint, spec.index);
    const first = !options.searchAfter && !options.from;
    const built = buildSimpleBody(spec, { ...options, aggregations: options.aggregations && first, fields });
    const text = JSON.stringify(built.body);
    const path = `/${encodeIndex(spec.index)}/_search`;
    const response = await client.search({ index: spec.index, body: text } as never);
    const raw = response.body as unknown as RawSearch;
    const aggs = (raw.aggregations ?? {}) as Record<string, Json & { over_time?: Buckets; values?: Buckets }>;
    let histogram: SearchResult['histogram'] = null;
    if (built.histogram && aggs.histogram?.over_time) {
      const over = aggs.histogram.over_time;
      const interval = 'interval' in built.histogram ? built.histogram.interval : (over.interval ?? '1d');
      histogram = {
        field: built.histogram.field,
        interval,
        intervalMs: 'ms' in built.histogram ? built.histogram.ms : intervalMs(interval),
        buckets: toHistogram(over),
      };
    }
    const facets =
      aggs.level?.values && aggs.service?.values ? { level: toTerms(aggs.level.values), service: toTerms(aggs.service.values) } : null;
    const hits = raw.hits.hits.map(toHit);
    const last = hits[hits.length - 1];
    const next = hits.length === options.size && options.size > 0 && last?.sort ? { searchAfter: last.sort } : null;
    return result(raw, hits, { histogram, facets, next, now: options.now, range: built.range, path, text, endpoint });
  }

  async #dsl(client: Client, endpoint: Endpoint, spec: QuerySpec, options: QueryOptions & { now: number }): Promise<SearchResult> {
    const parsed = parseDsl(spec.dsl);
    const first = !options.searchAfter && !options.from;
    const params: Record<string, string | number | boolean> = {};
    let text: string;
    if (first) {
      // The body goes out exactly as typed, so OpenSearch's line/col point into the editor.
      text = spec.dsl;
      if (parsed.size === undefined) params.size = options.size;
      if (parsed.track_total_hits === undefined) params.track_total_hits = true;
    } else {
      const body: Json = { ...parsed };
      delete body.aggs;
      delete body.aggregations;
      if (options.searchAfter) {
        body.search_after = options.searchAfter;
        delete body.from;
      } else {
        body.from = options.from;
      }
      if (body.size === undefined) body.size = options.size;
      if (body.track_total_hits === undefined) body.track_total_hits = true;
      text = JSON.stringify(body);
    }
    const query = new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)])).toString();
    const path = `/${encodeIndex(spec.index)}/_search${query ? `?${query}` : ''}`;
    const histogramBody = {
      size: 0,
      query: parsed.post_filter
        ? { bool: { must: [parsed.query ?? { match_all: {} }], filter: [parsed.post_filter] } }
        : (parsed.query ?? { match_all: {} }),
      aggs: { over_time: { auto_date_histogram: { field: spec.timeField, buckets: 60 } } },
    };
    const [main, histogramResponse] = await Promise.allSettled([
      client.search({ index: spec.index, body: text, ...params } as never),
      options.aggregations && first ? client.search({ index: spec.index, body: histogramBody } as never) : Promise.resolve(null),
    ]);
    if (main.status === 'rejected') throw main.reason;
    const raw = main.value.body as unknown as RawSearch;
    let histogram: SearchResult['histogram'] = null;
    if (histogramResponse.status === 'fulfilled' && histogramResponse.value) {
      const over = (histogramResponse.value.body as unknown as RawSearch).aggregations?.over_time as Buckets | undefined;
      if (over)
        histogram = {
          field: spec.timeField,
          interval: over.interval ?? '1d',
          intervalMs: intervalMs(over.interval ?? '1d'),
          buckets: toHistogram(over),
        };
    }
    const hits = raw.hits.hits.map(toHit);
    const pageSize = typeof parsed.size === 'number' ? parsed.size : options.size;
    const last = hits[hits.length - 1];
    let next: SearchResult['next'] = null;
    if (hits.length > 0 && hits.length >= pageSize) {
      if (parsed.sort !== undefined && last?.sort) next = { searchAfter: last.sort };
      else {
        const from = (options.from ?? (typeof parsed.from === 'number' ? parsed.from : 0)) + hits.length;
        if (from < MAX_PAGE) next = { from };
      }
    }
    const extra = raw.aggregations && first ? { aggregations: raw.aggregations } : {};
    return {
      ...result(raw, hits, { histogram, facets: null, next, now: options.now, range: { from: null, to: null }, path, text, endpoint }),
      ...extra,
    };
  }

  async close(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.all(clients.map((client) => client.then((c) => c.close()).catch(() => undefined)));
  }
}

function num(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Index patterns go into the URL path: keep * and , readable, escape the rest. */
function encodeIndex(index: string): string {
  return encodeURIComponent(index).replaceAll('%2A', '*').replaceAll('%2C', ',');
}
