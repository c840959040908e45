// OpenSearch commands: indices and search. Where OpenSearch is: --opensearch-url (with optional
// basic auth and TLS options), else the connection saved in the app.
import { readFile } from 'node:fs/promises';
import { formatBytes, formatCount } from '#contract/format.js';
import { AppError } from '#contract/index.js';
import type { ClusterInfo, Endpoint, IndexInfo, SearchHit, SearchRequest } from '#contract/search.js';
import type { Command, CommandContext, OptionSpec } from '../command.js';
import { numberFlag, readStdin } from '../flags.js';
import { formatTable } from '../output.js';

const CONNECTION_OPTIONS: Record<string, OptionSpec> = {
  'opensearch-url': {
    type: 'string',
    description: 'OpenSearch URL, e.g. http://localhost:9200 (default: the connection saved in the app)',
    placeholder: 'URL',
  },
  'opensearch-user': { type: 'string', description: 'basic-auth user', placeholder: 'USER' },
  'opensearch-password': {
    type: 'string',
    description: 'basic-auth password (better: env LOGCLAW_OPENSEARCH_PASSWORD)',
    placeholder: 'PASSWORD',
  },
  'opensearch-ca': { type: 'string', description: 'PEM file of the CA that signed the cluster certificate (https)', placeholder: 'FILE' },
  'opensearch-insecure': { type: 'boolean', description: 'skip TLS certificate verification (dev clusters)' },
};

/** The explicit endpoint from the flags, or undefined to use the saved connection. */
export function endpointFromFlags(values: CommandContext['values'], env: NodeJS.ProcessEnv = process.env): Endpoint | undefined {
  const url = values['opensearch-url'];
  const user = values['opensearch-user'];
  const password = values['opensearch-password'] ?? env.LOGCLAW_OPENSEARCH_PASSWORD;
  const ca = values['opensearch-ca'];
  const insecure = values['opensearch-insecure'] === true;
  if (typeof url !== 'string') {
    const stray = ['opensearch-user', 'opensearch-password', 'opensearch-ca', 'opensearch-insecure'].filter(
      (name) => values[name] !== undefined,
    );
    if (stray.length) {
      throw new AppError(
        'INVALID_REQUEST',
        `${stray.map((name) => `--${name}`).join(', ')} need${stray.length === 1 ? 's' : ''} --opensearch-url`,
        {
          hint: 'Give the URL too, or save the whole connection in the app (Search → Connection).',
        },
      );
    }
    return undefined;
  }
  const endpoint: Endpoint = { url };
  if (typeof user === 'string') endpoint.username = user;
  if (typeof password === 'string' && password !== '') endpoint.password = password;
  if (typeof ca === 'string') endpoint.caFile = ca;
  if (insecure) endpoint.insecure = true;
  return endpoint;
}

function list(value: string | boolean | undefined): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : [];
}

export const searchCommands: Record<string, Command> = {
  indices: {
    usage: 'logclaw indices [--index PATTERN] [--opensearch-url URL] [--json]',
    options: {
      index: { type: 'string', description: 'only indices matching this pattern (default: all)', placeholder: 'PATTERN' },
      ...CONNECTION_OPTIONS,
    },
    async run({ io, json, values, withBackend }) {
      const endpoint = endpointFromFlags(values);
      const index = typeof values.index === 'string' ? values.index : '*';
      const [indices, cluster] = await withBackend('cli', (backend) =>
        Promise.all([
          backend.call('search:indices', { endpoint, index }),
          json ? Promise.resolve(null) : backend.call('search:cluster', { endpoint }).catch(() => null),
        ]),
      );
      io.out(json ? JSON.stringify(indices, null, 2) : formatIndices(indices, cluster));
      return 0;
    },
  },
  search: {
    usage: 'logclaw search [--index PATTERN] [--query Q | --dsl FILE] [--since 15m] [--level L,…] [--service S,…] [--size N] [--json]',
    options: {
      index: { type: 'string', short: 'i', description: 'index or pattern (default: logclaw-logs-*)', placeholder: 'PATTERN' },
      query: {
        type: 'string',
        short: 'q',
        description: 'query-string syntax, e.g. \'level:ERROR AND message:"timeout"\'',
        placeholder: 'Q',
      },
      dsl: { type: 'string', description: 'file with a query DSL body (JSON); - reads stdin', placeholder: 'FILE' },
      since: { type: 'string', description: 'only the last span of ingest_timestamp: 30s, 15m, 2h, 7d, 1w', placeholder: 'SPAN' },
      level: { type: 'string', description: 'only these levels (comma-separated)', placeholder: 'L,…' },
      service: { type: 'string', description: 'only these services (comma-separated)', placeholder: 'S,…' },
      sort: { type: 'string', description: 'sort field and order (default: ingest_timestamp:desc)', placeholder: 'FIELD[:asc|desc]' },
      size: { type: 'string', short: 'n', description: 'number of hits (default 100, at most 10000)', placeholder: 'N' },
      ...CONNECTION_OPTIONS,
    },
    async run({ io, json, values, withBackend }) {
      const request = await searchRequest(values);
      const result = await withBackend('cli', (backend) => backend.call('search:query', request));
      if (json) {
        io.out(JSON.stringify({ total: result.total, took: result.took, hits: result.hits }, null, 2));
        return 0;
      }
      if (result.hits.length) io.out(formatHits(result.hits));
      const more = result.totalRelation === 'gte' ? '+' : '';
      io.out(
        `${result.hits.length ? '\n' : ''}showing ${result.hits.length} of ${formatCount(result.total)}${more} hits · took ${result.took} ms`,
      );
      return 0;
    },
  },
};

async function searchRequest(values: CommandContext['values']): Promise<SearchRequest> {
  const endpoint = endpointFromFlags(values);
  if (values.query !== undefined && values.dsl !== undefined) {
    throw new AppError('INVALID_REQUEST', 'Give --query or --dsl, not both');
  }
  const request: SearchRequest = { endpoint, index: typeof values.index === 'string' ? values.index : undefined, aggregations: false };
  request.size = numberFlag(values, 'size', { integer: true, min: 0, max: 10_000 }) ?? 100;
  if (typeof values.since === 'string') {
    if (!/^[1-9]\d{0,5}[smhdw]$/.test(values.since)) {
      throw new AppError('INVALID_REQUEST', `--since must be a span like 30s, 15m, 2h, 7d or 1w, not "${values.since}"`);
    }
    request.range = { kind: 'relative', last: values.since };
  }
  if (typeof values.dsl === 'string') {
    request.mode = 'dsl';
    try {
      request.dsl = values.dsl === '-' ? await readStdin() : await readFile(values.dsl, 'utf8');
    } catch (error) {
      throw new AppError(
        'INVALID_REQUEST',
        `Cannot read --dsl ${values.dsl}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const ignored = ['since', 'level', 'service', 'sort'].filter((name) => values[name] !== undefined);
    if (ignored.length)
      throw new AppError(
        'INVALID_REQUEST',
        `${ignored.map((name) => `--${name}`).join(', ')} apply to --query searches; put them in the DSL body instead`,
      );
    return request;
  }
  if (typeof values.query === 'string') request.query = values.query;
  request.levels = list(values.level);
  request.services = list(values.service);
  if (typeof values.sort === 'string') {
    const [field, order = 'desc'] = values.sort.split(':');
    if (!field || (order !== 'asc' && order !== 'desc'))
      throw new AppError('INVALID_REQUEST', `--sort must be FIELD, FIELD:asc or FIELD:desc, not "${values.sort}"`);
    request.sort = { field, order };
  }
  return request;
}

function formatIndices(indices: IndexInfo[], cluster: ClusterInfo | null): string {
  const lines: string[] = [];
  if (cluster) {
    lines.push(
      `cluster ${cluster.clusterName} (${cluster.url}): ${cluster.status} · ${cluster.numberOfNodes} node${cluster.numberOfNodes === 1 ? '' : 's'} · ${cluster.shards.active} active shards, ${cluster.shards.unassigned} unassigned`,
      '',
    );
  }
  if (indices.length === 0) return [...lines, 'No indices.'].join('\n');
  lines.push(
    formatTable(indices, [
      { header: 'HEALTH', value: (i) => i.health ?? '-' },
      { header: 'STATUS', value: (i) => i.status },
      { header: 'INDEX', value: (i) => i.index },
      { header: 'DOCS', value: (i) => formatCount(i.docsCount), align: 'right' },
      { header: 'SIZE', value: (i) => formatBytes(i.sizeBytes), align: 'right' },
      { header: 'PRI/REP', value: (i) => `${i.primaries}/${i.replicas}`, align: 'right' },
      { header: 'PATTERN', value: (i) => i.pattern },
    ]),
  );
  return lines.join('\n');
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\s*\n\s*/g, ' ⏎ ');
}

function formatHits(hits: SearchHit[]): string {
  const logShaped = hits.some((hit) => 'message' in hit._source || 'level' in hit._source);
  if (!logShaped) return hits.map((hit) => `${hit._index}/${hit._id}  ${text(hit._source)}`).join('\n');
  return formatTable(hits, [
    { header: 'TIME', value: (hit) => text(hit._source.ingest_timestamp) },
    { header: 'LEVEL', value: (hit) => text(hit._source.level) },
    { header: 'SERVICE', value: (hit) => text(hit._source.service) },
    { header: 'MESSAGE', value: (hit) => text(hit._source.message) },
  ]);
}
