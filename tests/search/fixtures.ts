// Log documents for the search tests, indexed into a real OpenSearch node with the client directly
// (not through the app), so the app's answers are checked against what was written.
import { randomBytes } from 'node:crypto';
import { type Client } from '@opensearch-project/opensearch';

export const LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG'] as const;
export const SERVICES = ['checkout', 'payment-api', 'auth'] as const;

export interface LogDoc {
  ingest_timestamp: string;
  level: string;
  service: string;
  message: string;
  seq: number;
}

/** `count` docs one `stepMs` apart, the newest at `newest`: level i%4, service i%3, every 10th a payment failure. */
export function logDocs(count: number, newest: number, stepMs = 60_000): LogDoc[] {
  return Array.from({ length: count }, (_, i) => ({
    ingest_timestamp: new Date(newest - (count - 1 - i) * stepMs).toISOString(),
    level: LEVELS[i % 4]!,
    service: SERVICES[i % 3]!,
    message: i % 10 === 0 ? `Payment failed: timeout after ${i} ms` : `request ${i} ok`,
    seq: i,
  }));
}

export const LOG_MAPPING = {
  properties: {
    ingest_timestamp: { type: 'date' },
    level: { type: 'keyword' },
    service: { type: 'keyword' },
    message: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    seq: { type: 'integer' },
  },
};

/** A unique pattern per test file: logclaw-logs-<tag><random>-*. */
export function uniquePrefix(tag: string): string {
  return `logclaw-logs-${tag}${randomBytes(3).toString('hex')}`;
}

export async function createIndex(
  client: Client,
  index: string,
  docs: object[],
  mapping: object | null = LOG_MAPPING,
  shards = 1,
): Promise<void> {
  await client.indices.create({
    index,
    body: { settings: { number_of_shards: shards, number_of_replicas: 0 }, ...(mapping ? { mappings: mapping } : {}) } as never,
  });
  if (docs.length === 0) return;
  const body = docs.flatMap((doc) => [{ index: { _index: index } }, doc]);
  const response = await client.bulk({ body, refresh: true });
  if (response.body.errors) throw new Error(`bulk into ${index} failed: ${JSON.stringify(response.body.items.slice(0, 2))}`);
}

export async function dropIndices(client: Client, pattern: string): Promise<void> {
  await client.indices.delete({ index: pattern, ignore_unavailable: true } as never).catch(() => undefined);
}
