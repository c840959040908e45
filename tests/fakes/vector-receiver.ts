// A stand-in for Vector's `http_server` source as the LogClaw ingestion chart configures it (Vector
// itself cannot be installed here). Same contract (charts/logclaw-ingestion templates/_helpers.tpl,
// receiverConfig): POST on `/` with a JSON object (one event), a JSON array (one event per element)
// or NDJSON (one per line); every event goes through the chart's `stamp` remap (tenant,
// ingest_timestamp = now(), timestamp = the parsed .timestamp else ingest_timestamp); then it is
// written to Kafka topic raw-logs (key = .service, JSON) and, like the local profile's opensearch
// sink, indexed into logclaw-logs-%Y.%m.%d (by the event's timestamp, UTC). 200 only after every
// sink has the batch (acknowledgements enabled); 400 for a body that does not decode.
//
// For fault tests it can be told to answer 503, drop the connection, or answer slowly; it counts
// exactly what it accepted, with arrival times, for the rate tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@opensearch-project/opensearch';
import { Kafka, type Producer, logLevel } from 'kafkajs';

export type Fault = { kind: 'status'; status: number } | { kind: 'drop' } | { kind: 'slow'; delayMs: number } | null;

export interface VectorReceiverOptions {
  port?: number;
  /** Write to this Kafka (topic raw-logs unless given); null: no Kafka sink. */
  kafka?: { brokers: string; topic?: string } | null;
  /** Index into this OpenSearch (index prefix logclaw-logs- unless given); null: no OpenSearch sink. */
  opensearch?: { url: string; indexPrefix?: string } | null;
  tenant?: string;
  /** Keep the accepted events in memory (for tests that look at them). */
  keep?: boolean;
}

export interface VectorReceiver {
  readonly url: string;
  /** Events accepted (written to every sink, answered 200). */
  readonly accepted: number;
  readonly requests: number;
  readonly rejected: number;
  /** performance.now() of the first and last accepted event's arrival. */
  readonly firstAt: number | null;
  readonly lastAt: number | null;
  readonly events: Array<Record<string, unknown>>;
  /** From now on, answer with this fault (null: healthy). */
  fail(fault: Fault): void;
  reset(): void;
  close(): Promise<void>;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** What Vector's json codec makes of a body: objects only (other JSON values are decode errors here). */
export function decodeBody(text: string): Array<Record<string, unknown>> {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value);
  const trimmed = text.trim();
  if (!trimmed) throw new Error('empty body');
  try {
    const whole: unknown = JSON.parse(trimmed);
    if (isObject(whole)) return [whole];
    if (Array.isArray(whole) && whole.every(isObject)) return whole;
    throw new Error('not a JSON object or an array of objects');
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  // NDJSON (framing newline_delimited).
  return trimmed
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const value: unknown = JSON.parse(line);
      if (!isObject(value)) throw new Error('an NDJSON line is not a JSON object');
      return value;
    });
}

/** The chart's `stamp` remap. */
export function stamp(event: Record<string, unknown>, tenant: string, now = new Date()): Record<string, unknown> {
  const ingest = now.toISOString();
  const ts =
    typeof event.timestamp === 'string' && ISO_WITH_ZONE.test(event.timestamp) && !Number.isNaN(Date.parse(event.timestamp))
      ? new Date(event.timestamp).toISOString()
      : ingest;
  return { ...event, tenant, ingest_timestamp: ingest, timestamp: ts };
}

export function indexFor(prefix: string, timestamp: string): string {
  const d = new Date(timestamp);
  return `${prefix}${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
}

export async function startVectorReceiver(options: VectorReceiverOptions = {}): Promise<VectorReceiver> {
  const tenant = options.tenant ?? 'dev-local';
  const topic = options.kafka?.topic ?? 'raw-logs';
  const indexPrefix = options.opensearch?.indexPrefix ?? 'logclaw-logs-';
  let producer: Producer | null = null;
  if (options.kafka) {
    const kafka = new Kafka({ clientId: 'vector-receiver-fake', brokers: [options.kafka.brokers], logLevel: logLevel.NOTHING });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  }
  const search = options.opensearch ? new Client({ node: options.opensearch.url }) : null;

  let fault: Fault = null;
  const state = {
    accepted: 0,
    requests: 0,
    rejected: 0,
    firstAt: null as number | null,
    lastAt: null as number | null,
    events: [] as Array<Record<string, unknown>>,
  };

  async function write(events: Array<Record<string, unknown>>): Promise<void> {
    const tasks: Array<Promise<unknown>> = [];
    if (producer) {
      tasks.push(
        producer.send({
          topic,
          acks: -1,
          messages: events.map((event) => ({
            key: typeof event.service === 'string' ? event.service : null,
            value: JSON.stringify(event),
          })),
        }),
      );
    }
    if (search) {
      const body = events.flatMap((event) => [{ index: { _index: indexFor(indexPrefix, String(event.timestamp)) } }, event]);
      tasks.push(
        search.bulk({ body }).then((response) => {
          const result = response.body as { errors?: boolean; items?: Array<{ index?: { error?: { reason?: string } } }> };
          if (result.errors) throw new Error(`bulk: ${result.items?.find((item) => item.index?.error)?.index?.error?.reason ?? 'errors'}`);
        }),
      );
    }
    await Promise.all(tasks);
  }

  const server = http.createServer((request, response) => {
    state.requests++;
    const current = fault;
    if (current?.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const arrived = performance.now();
      void (async () => {
        if (current?.kind === 'status') {
          state.rejected++;
          response.writeHead(current.status, { 'Content-Type': 'text/plain' }).end('fault injected\n');
          return;
        }
        if (current?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, current.delayMs));
        if (request.method !== 'POST' || (request.url ?? '/').split('?')[0] !== '/') {
          response.writeHead(405).end();
          return;
        }
        let events: Array<Record<string, unknown>>;
        try {
          const now = new Date();
          events = decodeBody(Buffer.concat(chunks).toString('utf8')).map((event) => stamp(event, tenant, now));
        } catch (error) {
          state.rejected++;
          response.writeHead(400, { 'Content-Type': 'text/plain' }).end(`Failed decoding body: ${(error as Error).message}\n`);
          return;
        }
        try {
          await write(events);
        } catch (error) {
          state.rejected++;
          response.writeHead(500, { 'Content-Type': 'text/plain' }).end(`sink failed: ${(error as Error).message}\n`);
          return;
        }
        state.accepted += events.length;
        state.firstAt ??= arrived;
        state.lastAt = arrived;
        if (options.keep) state.events.push(...events);
        response.writeHead(200).end();
      })();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get accepted() {
      return state.accepted;
    },
    get requests() {
      return state.requests;
    },
    get rejected() {
      return state.rejected;
    },
    get firstAt() {
      return state.firstAt;
    },
    get lastAt() {
      return state.lastAt;
    },
    get events() {
      return state.events;
    },
    fail(next) {
      fault = next;
    },
    reset() {
      Object.assign(state, { accepted: 0, requests: 0, rejected: 0, firstAt: null, lastAt: null, events: [] });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await producer?.disconnect().catch(() => undefined);
      await search?.close().catch(() => undefined);
    },
  };
}

/** Creates the pipeline's topics as charts/logclaw-kafka declares them (raw-logs 12, anomaly-events 6), if missing. */
export async function ensurePipelineTopics(brokers: string): Promise<void> {
  const admin = new Kafka({ clientId: 'vector-receiver-setup', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic: 'raw-logs', numPartitions: 12 },
      { topic: 'anomaly-events', numPartitions: 6 },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length) {
      // Another test file may create them at the same moment.
      await admin
        .createTopics({ topics: wanted.map((t) => ({ ...t, replicationFactor: 1 })), waitForLeaders: true })
        .catch((error: Error) => {
          if (!/TOPIC_ALREADY_EXISTS|already exists/i.test(`${error.message} ${JSON.stringify(error)}`)) throw error;
        });
    }
  } finally {
    await admin.disconnect();
  }
}

/** `npx tsx tests/fakes/vector-receiver.ts [--port N] [--kafka host:port] [--opensearch URL]`: run it by hand. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const kafka = arg('kafka');
  const opensearch = arg('opensearch');
  const receiver = await startVectorReceiver({
    port: Number(arg('port') ?? 18080),
    kafka: kafka ? { brokers: kafka } : null,
    opensearch: opensearch ? { url: opensearch } : null,
  });
  process.stdout.write(`vector-receiver fake listening on ${receiver.url}\n`);
}
