// The ingestion chart's VRL (the `stamp` remap) run by the real VRL runtime of the pinned Vector: the
// test-env `vrl` is the vrl crate at the release Vector v0.38.0's Cargo.lock resolves (0.15.0, with
// Vector's dependency versions), so the language, stdlib and timestamp parsing are the pods'. What
// surrounds the remap in Vector is modelled here from Vector v0.38.0's source (cited per step): the
// http_server source's JSON decoding before it, the Kafka and Elasticsearch sinks' encoding after it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { useTestEnv } from '../support/test-env.js';
import { LOCAL, type RenderOptions, get, preparedCharts, render, repoYaml } from './support.js';

const CHART = 'logclaw-ingestion';
const SEED_LOG = '{"message": "Payment failed: timeout", "level": "ERROR", "service": "payment-api"}';

interface Transform {
  type: string;
  inputs: string[];
  source: string;
  drop_on_error?: boolean;
  drop_on_abort?: boolean;
  reroute_dropped?: boolean;
}

interface VectorConfig {
  schema?: { log_namespace?: boolean };
  sources: Record<string, { type: string; decoding?: { codec: string }; framing?: { method: string } }>;
  transforms: Record<string, Transform>;
  sinks: Record<
    string,
    {
      type: string;
      inputs: string[];
      topic?: string;
      key_field?: string;
      encoding?: { codec: string };
      api_version?: string;
      mode?: string;
      bulk?: { index: string; action: string };
    }
  >;
}

let vrl: string;
let vectorVersion: string;
let helm: string;
let chartsDir: string;
let work: string;
let receiver: VectorConfig;
let imageTag: string;

async function vectorConfig(configMap: string, opts: RenderOptions): Promise<VectorConfig> {
  const docs = await render(helm, chartsDir, CHART, opts);
  return YAML.parse((get(docs, 'ConfigMap', configMap).data as Record<string, string>)['vector.yaml']!) as VectorConfig;
}

beforeAll(async () => {
  const env = await useTestEnv('tools', 'vrl');
  ({ vrl, vector: vectorVersion } = env.vrl);
  helm = env.tools.helm;
  chartsDir = await preparedCharts(helm);
  work = mkdtempSync(join(tmpdir(), 'logclaw-vrl-'));
  receiver = await vectorConfig('logclaw-ingestion-dev-local', { release: 'logclaw-ingestion-dev-local', files: LOCAL });
  imageTag = repoYaml<{ image: { tag: string } }>(`charts/${CHART}/values.yaml`).image.tag;
  writeFileSync(join(work, 'empty.ndjson'), '');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// --- Before the remap: Vector 0.38.0's http_server source, `decoding.codec: json`, `framing.method: bytes`.

type Decoded = { rejected: string } | { events: unknown[] };

/**
 * The events one POST body becomes, or the 400 that refuses the whole request. JsonDeserializer::parse
 * (lib/codecs/src/decoding/format/json.rs) splits a top-level array into one event per element and
 * fails on invalid JSON; Event::from_json_value (lib/vector-core/src/event/mod.rs) fails on a
 * non-object in the Legacy namespace; SimpleHttpSource::build_events (src/sources/http_server.rs)
 * answers any decoding failure with 400 "Failed decoding body", so none of the body's events go on.
 */
function decodeBody(body: string): Decoded {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { rejected: `Error parsing JSON: ${(error as Error).message}` };
  }
  const events = Array.isArray(json) ? json : [json];
  if (events.some((e) => e === null || typeof e !== 'object' || Array.isArray(e)))
    return { rejected: 'Attempted to convert non-Object JSON into an Event.' };
  return { events };
}

/**
 * What the event holds besides the body's fields when it reaches `stamp`, each only where the body has
 * no such field (Legacy namespace): the decoder's `timestamp` (decode time), then the source's `path`
 * and `source_type` (enrich_events, LogNamespace::insert_standard_vector_source_metadata in
 * lib/vector-core/src/config/mod.rs). Written in VRL so that `timestamp` is a timestamp value, as in Vector.
 */
const HTTP_SOURCE_FIELDS = `
if !exists(.timestamp) { .timestamp = now() }
if !exists(.path) { .path = "/" }
if !exists(.source_type) { .source_type = "http_server" }
`;

// --- The remap, run by the real runtime.

interface Remapped {
  /** The event as the sinks' JSON serialization writes it: serde of VRL's Value, which is what encode_json is too. */
  json: string;
  event: Record<string, unknown>;
  /** Whether `timestamp` is a VRL timestamp (the Kafka record time and the index date come from it only then). */
  timestampIsTimestamp: boolean;
}

type Outcome = { ok: Remapped } | { error: string };

let runs = 0;

/**
 * Runs `prelude` + `program` on one event with the vrl CLI. The program's last expression is replaced
 * by a JSON document of the result: the CLI prints a string value as a JSON string literal.
 * Compile errors (which would stop Vector from starting) throw; runtime errors are the outcome.
 */
async function remap(program: string, event: unknown, prelude = HTTP_SOURCE_FIELDS): Promise<Outcome> {
  const n = runs++;
  const programFile = join(work, `program-${n}.vrl`);
  const eventsFile = join(work, `events-${n}.ndjson`);
  writeFileSync(
    programFile,
    `${prelude}\n${program}\nencode_json({"json": encode_json(.), "timestamp_is_timestamp": is_timestamp(.timestamp)})\n`,
  );
  writeFileSync(eventsFile, JSON.stringify(event) + '\n');
  const { stdout, stderr } = await promisify(execFile)(vrl, ['--program', programFile, '--input', eventsFile]);
  if (stderr.trim()) return { error: stderr.trim() };
  const out = JSON.parse(JSON.parse(stdout) as string) as { json: string; timestamp_is_timestamp: boolean };
  const remapped = JSON.parse(out.json) as Record<string, unknown>;
  return { ok: { json: out.json, event: remapped, timestampIsTimestamp: out.timestamp_is_timestamp } };
}

function ok(outcome: Outcome): Remapped {
  if ('error' in outcome) throw new Error(`the remap failed at runtime: ${outcome.error}`);
  return outcome.ok;
}

// --- After the remap: what the sinks send.

interface KafkaRecord {
  topic: string;
  key: string | null;
  timestampMs: number | null;
  value: string;
}

/**
 * src/sinks/kafka/request_builder.rs: the key is key_field's value as Value::coerce_to_bytes writes it
 * (none when the field is absent), the record time is `timestamp`'s when that is a timestamp, the value
 * is the json codec's serialization of the event (lib/codecs/src/encoding/format/json.rs).
 */
function kafkaRecord(config: VectorConfig, sink: string, out: Remapped): KafkaRecord {
  const { topic, key_field } = config.sinks[sink]!;
  const key = out.event[key_field!.replace(/^\./, '')];
  let coerced: string | null;
  if (key === undefined) coerced = null;
  else if (key === null) coerced = '<null>';
  else if (['string', 'number', 'boolean'].includes(typeof key)) coerced = String(key);
  else throw new Error(`no model for a Kafka key of ${JSON.stringify(key)}`);
  const timestampMs = out.timestampIsTimestamp ? Date.parse(out.event.timestamp as string) : null;
  return { topic: topic!, key: coerced, timestampMs, value: out.json };
}

/**
 * The two lines of the bulk request for one event (src/sinks/elasticsearch/encoder.rs): the action,
 * without `_type` (api_version v7+), with the index rendered from `timestamp` in UTC, or the current
 * time when `timestamp` is no timestamp (render_timestamp in src/template.rs); then the event's JSON.
 */
function bulkLines(config: VectorConfig, sink: string, out: Remapped, now = new Date()): string[] {
  const { bulk } = config.sinks[sink]!;
  const at = out.timestampIsTimestamp ? new Date(out.event.timestamp as string) : now;
  const pad = (n: number) => String(n).padStart(2, '0');
  const index = bulk!.index
    .replace('%Y', String(at.getUTCFullYear()))
    .replace('%m', pad(at.getUTCMonth() + 1))
    .replace('%d', pad(at.getUTCDate()));
  return [JSON.stringify({ [bulk!.action]: { _index: index } }), out.json];
}

/** The receiver's path for one POST body: decode, then the chart's remap per event. */
async function receive(body: string): Promise<{ rejected: string } | { outcomes: Outcome[] }> {
  const decoded = decodeBody(body);
  if ('rejected' in decoded) return decoded;
  return { outcomes: await Promise.all(decoded.events.map((event) => remap(receiver.transforms.stamp!.source, event))) };
}

async function receiveOne(body: string): Promise<Remapped> {
  const result = await receive(body);
  if ('rejected' in result) throw new Error(`the source refused the body: ${result.rejected}`);
  expect(result.outcomes).toHaveLength(1);
  return ok(result.outcomes[0]!);
}

function within(iso: unknown, from: number, to: number): void {
  expect(typeof iso).toBe('string');
  expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  expect(Date.parse(iso as string)).toBeGreaterThanOrEqual(from);
  expect(Date.parse(iso as string)).toBeLessThanOrEqual(to);
}

describe('the runtime', () => {
  it("is the VRL of the Vector release the chart's image pins", () => {
    // A new Vector needs the VRL release its Cargo.lock names (scripts/test-env/vrl).
    expect(imageTag).toBe(`${vectorVersion}-debian`);
  });
});

describe('receiver (local profile): the stamp remap between http_in and the Kafka and OpenSearch sinks', () => {
  it('is the one remap, on the JSON http source, feeding both sinks; it cannot fail, so Vector never drops nor passes an unstamped event', async () => {
    expect(receiver.schema?.log_namespace).toBeUndefined();
    expect(receiver.sources.http_in).toMatchObject({ type: 'http_server', decoding: { codec: 'json' }, framing: { method: 'bytes' } });
    expect(Object.entries(receiver.transforms).map(([name, t]) => [name, t.type, t.inputs])).toEqual([['stamp', 'remap', ['http_in']]]);
    const stamp = receiver.transforms.stamp!;
    expect([stamp.drop_on_error, stamp.drop_on_abort, stamp.reroute_dropped]).toEqual([undefined, undefined, undefined]);
    expect(stamp.source).not.toMatch(/\babort\b|!\(/);
    expect(receiver.sinks.kafka_raw).toMatchObject({
      type: 'kafka',
      inputs: ['stamp'],
      topic: 'raw-logs',
      key_field: '.service',
      encoding: { codec: 'json' },
    });
    expect(receiver.sinks.opensearch).toMatchObject({
      type: 'elasticsearch',
      inputs: ['stamp'],
      api_version: 'v7',
      mode: 'bulk',
      bulk: { index: 'logclaw-logs-%Y.%m.%d', action: 'index' },
    });
  });

  it("compiles in the pinned VRL without errors or warnings (Vector refuses to start on a remap that doesn't compile)", async () => {
    const file = join(work, 'stamp.vrl');
    writeFileSync(file, receiver.transforms.stamp!.source);
    // An empty input is one empty event; a compile error would reject (exit 70) with the diagnostics.
    const { stderr } = await promisify(execFile)(vrl, ['--program', file, '--input', join(work, 'empty.ndjson'), '--print-warnings']);
    expect(stderr.trim()).toBe('');
  });

  it("the seed's example log: tenant, ingest_timestamp and the decode time as timestamp; Kafka key payment-api; today's index", async () => {
    const before = Date.now();
    const out = await receiveOne(SEED_LOG);
    const after = Date.now();
    const { event } = out;
    expect(Object.keys(event)).toEqual(['ingest_timestamp', 'level', 'message', 'path', 'service', 'source_type', 'tenant', 'timestamp']);
    expect(event).toMatchObject({
      message: 'Payment failed: timeout',
      level: 'ERROR',
      service: 'payment-api',
      tenant: 'dev-local',
      path: '/',
      source_type: 'http_server',
    });
    within(event.ingest_timestamp, before, after);
    within(event.timestamp, before, after);
    // The decoder stamped the body's missing timestamp before the remap ran.
    expect(Date.parse(event.timestamp as string)).toBeLessThanOrEqual(Date.parse(event.ingest_timestamp as string));
    expect(out.timestampIsTimestamp).toBe(true);

    const record = kafkaRecord(receiver, 'kafka_raw', out);
    expect(record).toEqual({ topic: 'raw-logs', key: 'payment-api', timestampMs: Date.parse(event.timestamp as string), value: out.json });
    expect(record.value).toBe(
      `{"ingest_timestamp":"${event.ingest_timestamp}","level":"ERROR","message":"Payment failed: timeout","path":"/","service":"payment-api",` +
        `"source_type":"http_server","tenant":"dev-local","timestamp":"${event.timestamp}"}`,
    );
    const [action, doc] = bulkLines(receiver, 'opensearch', out);
    const day = new Date(event.timestamp as string).toISOString().slice(0, 10).replaceAll('-', '.');
    expect(action).toBe(`{"index":{"_index":"logclaw-logs-${day}"}}`);
    expect(doc).toBe(record.value);
  });

  it.each([
    ['UTC with Z (the app sends toISOString())', '2024-03-05T21:59:58.123Z', '2024-03-05T21:59:58.123Z', '2024.03.05'],
    ['an offset, normalized to UTC (the index day is the UTC day)', '2024-03-06T00:59:58+03:00', '2024-03-05T21:59:58Z', '2024.03.05'],
    ['an offset without colon', '2024-03-05T21:59:58-0300', '2024-03-06T00:59:58Z', '2024.03.06'],
    ['a space for T', '2024-03-05 21:59:58Z', '2024-03-05T21:59:58Z', '2024.03.05'],
    ['nanoseconds', '2024-03-05T21:59:58.123456789Z', '2024-03-05T21:59:58.123456789Z', '2024.03.05'],
  ])('keeps a parsable RFC 3339 timestamp: %s', async (_, sent, kept, day) => {
    const out = await receiveOne(JSON.stringify({ message: 'm', service: 's', timestamp: sent }));
    expect(out.event.timestamp).toBe(kept);
    expect(kafkaRecord(receiver, 'kafka_raw', out).timestampMs).toBe(Date.parse(kept));
    expect(bulkLines(receiver, 'opensearch', out)[0]).toBe(`{"index":{"_index":"logclaw-logs-${day}"}}`);
  });

  it.each([
    ['not a date', 'yesterday'],
    ['no offset', '2024-03-05T21:59:58'],
    ['epoch seconds', 1709675998],
    ['epoch milliseconds', 1709675998123],
    ['null', null],
    ['an object', { at: '2024-03-05T21:59:58Z' }],
  ])(
    'replaces a timestamp it cannot parse (%s) with ingest_timestamp, so the record time and index day are the ingest time',
    async (_, sent) => {
      const before = Date.now();
      const out = await receiveOne(JSON.stringify({ message: 'm', service: 's', timestamp: sent }));
      expect(out.event.timestamp).toBe(out.event.ingest_timestamp);
      within(out.event.timestamp, before, Date.now());
      expect(kafkaRecord(receiver, 'kafka_raw', out).timestampMs).toBe(Date.parse(out.event.ingest_timestamp as string));
    },
  );

  it('an empty object still becomes an event: stamped, no Kafka key (any partition), indexed by decode time', async () => {
    const out = await receiveOne('{}');
    expect(Object.keys(out.event)).toEqual(['ingest_timestamp', 'path', 'source_type', 'tenant', 'timestamp']);
    expect(kafkaRecord(receiver, 'kafka_raw', out).key).toBeNull();
  });

  it('a null or numeric service is a key all the same: "<null>", or the number written out', async () => {
    expect(kafkaRecord(receiver, 'kafka_raw', await receiveOne('{"service": null}')).key).toBe('<null>');
    expect(kafkaRecord(receiver, 'kafka_raw', await receiveOne('{"service": 42}')).key).toBe('42');
  });

  it("the body cannot choose the tenant, the ingest time, or hide the source's fields", async () => {
    const before = Date.now();
    const out = await receiveOne(
      JSON.stringify({
        message: 'm',
        tenant: 'someone-else',
        ingest_timestamp: '2000-01-01T00:00:00Z',
        path: '/elsewhere',
        source_type: 'mine',
      }),
    );
    expect(out.event.tenant).toBe('dev-local');
    within(out.event.ingest_timestamp, before, Date.now());
    // path and source_type are only filled in where absent (Legacy namespace): the body's stay.
    expect(out.event).toMatchObject({ path: '/elsewhere', source_type: 'mine' });
  });

  it('keeps nested fields, arrays, unicode and escapes byte-exact in the JSON both sinks send', async () => {
    const body = { message: 'línea "quoted" \\ back\nslash\t✓', service: 'svc', ctx: { ids: [1, 2.5, true, null], nested: { a: 'b' } } };
    const out = await receiveOne(JSON.stringify(body));
    expect(out.event).toMatchObject(body);
    expect(out.json).toContain('"ctx":{"ids":[1,2.5,true,null],"nested":{"a":"b"}}');
    expect(out.json).toContain(String.raw`"message":"línea \"quoted\" \\ back\nslash\t✓"`);
  });

  it('an array body is one event per element, each stamped', async () => {
    const result = await receive('[{"message": "a", "service": "x"}, {"message": "b", "service": "y"}]');
    if ('rejected' in result) throw new Error(result.rejected);
    const events = result.outcomes.map((o) => ok(o).event);
    expect(events.map((e) => [e.message, e.service, e.tenant])).toEqual([
      ['a', 'x', 'dev-local'],
      ['b', 'y', 'dev-local'],
    ]);
  });

  it.each([
    ['invalid JSON', '{"message": "Payment failed: timeout", "level": "ERROR"'],
    ['a string', '"Payment failed: timeout"'],
    ['a number', '42'],
    ['null', 'null'],
    ['an array with a non-object', '[{"message": "a"}, "b"]'],
  ])('%s never reaches the remap: the source answers 400 for the whole request, nothing is sent', async (_, body) => {
    expect(await receive(body)).toEqual({ rejected: expect.any(String) });
  });

  it('the Legacy namespace is what keeps non-objects out: given one, the remap would replace the log by an object of its own fields', async () => {
    const out = ok(await remap(receiver.transforms.stamp!.source, 'Payment failed: timeout', ''));
    expect(Object.keys(out.event)).toEqual(['ingest_timestamp', 'tenant', 'timestamp']);
    expect(out.json).not.toContain('Payment failed');
  });
});

describe('agent (production profile): the same stamp on kubernetes_logs events, plus the service', () => {
  let agent: VectorConfig;
  // A kubernetes_logs event (Legacy namespace): the container runtime's time is already a timestamp.
  const podLine = (labels: Record<string, string>) => ({
    message: 'GET /healthz 200',
    source_type: 'kubernetes_logs',
    stream: 'stdout',
    file: '/var/log/pods/shop_checkout-7d9f_1/checkout/0.log',
    kubernetes: { container_name: 'checkout', pod_name: 'checkout-7d9f', pod_namespace: 'shop', pod_labels: labels },
  });
  const criTime = `.timestamp = t'2024-03-05T21:59:58.5Z'`;

  beforeAll(async () => {
    agent = await vectorConfig('logclaw-ingestion-acme-agent', { release: 'logclaw-ingestion-acme', files: ['ci/production-values.yaml'] });
  });

  it("runs the receiver's stamp first", async () => {
    const production = await vectorConfig('logclaw-ingestion-acme', {
      release: 'logclaw-ingestion-acme',
      files: ['ci/production-values.yaml'],
    });
    expect(agent.transforms.stamp!.source.startsWith(production.transforms.stamp!.source.trimEnd())).toBe(true);
    expect(agent.sinks.kafka_raw).toMatchObject({ inputs: ['stamp'], topic: 'raw-logs', key_field: '.service' });
  });

  it.each([
    ['the app.kubernetes.io/name label', { 'app.kubernetes.io/name': 'checkout-api' }, 'checkout-api'],
    ['the container name when the pod has no such label', { app: 'other' }, 'checkout'],
  ])('service (the Kafka key) is %s', async (_, labels, service) => {
    const out = ok(await remap(agent.transforms.stamp!.source, podLine(labels), criTime));
    expect(out.event).toMatchObject({ service, tenant: 'acme', timestamp: '2024-03-05T21:59:58.500Z', message: 'GET /healthz 200' });
    expect(kafkaRecord(agent, 'kafka_raw', out)).toMatchObject({ key: service, timestampMs: Date.parse('2024-03-05T21:59:58.5Z') });
  });
});
