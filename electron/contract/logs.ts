// Logs pane: send test logs to Vector's HTTP source (one, or generated at a controlled rate), produce
// anomaly events, follow one log hop by hop (Vector → Kafka raw-logs → OpenSearch logclaw-logs-*),
// and a low-rate canary doing that continuously. Pure data shared with the renderer.
import { z } from 'zod';
import { empty } from './core.js';
import { type ChannelMap, type EventMap, httpUrl as httpUrlSchema } from './define.js';
import { ErrorCodeSchema, ErrorInfo, Notice } from './schemas.js';
import { Endpoint } from './search.js';

/** The pipeline's names (charts/logclaw-ingestion receiver config, charts/logclaw-kafka `topics`). */
export const RAW_LOGS_TOPIC = 'raw-logs';
export const ANOMALY_TOPIC = 'anomaly-events';
export const LOGS_INDEX_PATTERN = 'logclaw-logs-*';
/** The field a traced (or canary) log carries its id in. */
export const TRACE_FIELD = 'logclaw_trace_id';

const httpUrl = httpUrlSchema('a URL', 'http://127.0.0.1:18080');

/** Where Vector's HTTP source is; absent: saved in the pane, else the stack's `vector` forward. */
const target = { vectorUrl: httpUrl.optional() };

/** One log event as Vector's `json` codec decodes it: a JSON object. */
export const LogEvent = z.record(z.string(), z.unknown());
export type LogEvent = z.infer<typeof LogEvent>;

/** A POST body: one object, or an array of objects (one event each). */
export const LogPayload = z.union([LogEvent, z.array(LogEvent).min(1, 'the array is empty').max(10_000)]);
export type LogPayload = z.infer<typeof LogPayload>;

export const TemplateName = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(60)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'a name uses lowercase letters, digits, ".", "_" and "-"');

export const LogTemplate = z.object({
  name: TemplateName,
  description: z.string().max(200).default(''),
  event: LogEvent,
  /** Shipped with the app (cannot be deleted; saving under its name makes a user copy). */
  builtin: z.boolean().default(false),
});
export type LogTemplate = z.infer<typeof LogTemplate>;

/** What is persisted in <dataDir>/logs.json. */
export const LogsFile = z.object({
  schemaVersion: z.literal(1).default(1),
  vectorUrl: httpUrl.nullable().default(null),
  templates: z.array(LogTemplate).default([]),
});
export type LogsFile = z.infer<typeof LogsFile>;

export const LogsState = z.object({
  /** The saved Vector URL, or null: then the stack's `vector` forward (127.0.0.1:18080). */
  vectorUrl: z.string().nullable(),
  /** Built-in templates first, then the user's. */
  templates: z.array(LogTemplate),
  notices: z.array(Notice),
});
export type LogsState = z.infer<typeof LogsState>;

export const SendResult = z.object({
  url: z.string(),
  /** Events in the body. */
  count: z.number(),
  status: z.number(),
  latencyMs: z.number(),
  /** The same request as a curl command. */
  curl: z.string(),
});
export type SendResult = z.infer<typeof SendResult>;

// ---- Generator ------------------------------------------------------------------------------

export const Level = z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']);
export type Level = z.infer<typeof Level>;

const weights = z
  .record(z.string().min(1).max(100), z.number().nonnegative())
  .refine((w) => Object.values(w).some((v) => v > 0), 'at least one weight must be above 0');

export const GeneratorSpec = z
  .object({
    ...target,
    /**
     * steady: `rate` all along; burst: `rate` during `burst.lengthS` of every `burst.periodS`, quiet
     * between; ramp: 0 → `rate` linearly.
     */
    profile: z.enum(['steady', 'burst', 'ramp']).default('steady'),
    /** Events per second (the peak rate for burst and ramp). */
    rate: z.number().positive().max(200_000),
    durationS: z.number().positive().max(86_400),
    burst: z
      .object({ periodS: z.number().positive().max(3600).default(5), lengthS: z.number().positive().max(3600).default(1) })
      .strict()
      .default({ periodS: 5, lengthS: 1 }),
    /** Events per POST; null: about 10 ms worth of events (at most 500; up to 20× that to catch up with a slow endpoint). */
    batchSize: z.number().int().min(1).max(5_000).nullable().default(null),
    /**
     * How a batch is written: `json`, a JSON array (one event per element; Vector's `json` codec
     * decodes it with either framing, so it suits the local chart's `framing: bytes`); `ndjson`, one
     * event per line (needs the source's `framing: newline_delimited`, as in the production values).
     */
    format: z.enum(['json', 'ndjson']).default('json'),
    /** Base event (a template's); level, service, message and timestamp are filled per event. */
    template: LogEvent.default({}),
    levels: weights.default({ INFO: 70, WARN: 15, ERROR: 10, DEBUG: 5 }),
    services: weights.default({ 'payment-api': 4, checkout: 3, auth: 2, inventory: 1 }),
    /** Every `everyS`, `lengthS` seconds in which every event is an ERROR of one service. */
    errorBurst: z
      .object({ everyS: z.number().positive().max(3600), lengthS: z.number().positive().max(3600) })
      .strict()
      .nullable()
      .default(null),
    /** Concurrent POSTs. */
    maxInFlight: z.number().int().min(1).max(64).default(8),
    /** Attempts per batch (first try included) for 5xx, 429 and connection failures. */
    maxAttempts: z.number().int().min(1).max(20).default(8),
    /** Per-request timeout. */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.profile === 'burst' && spec.burst.lengthS > spec.burst.periodS)
      ctx.addIssue({ code: 'custom', path: ['burst', 'lengthS'], message: 'a burst cannot be longer than its period' });
    if (spec.rate * spec.durationS > 100_000_000)
      ctx.addIssue({ code: 'custom', path: ['durationS'], message: 'at most 100 million events per run' });
  });
export type GeneratorSpec = z.infer<typeof GeneratorSpec>;
export type GeneratorSpecInput = z.input<typeof GeneratorSpec>;

export const GeneratorState = z.enum(['running', 'stopping', 'done', 'stopped', 'failed']);
export type GeneratorState = z.infer<typeof GeneratorState>;

export const RatePoint = z.object({
  /** Milliseconds since the start (end of the sample window). */
  t: z.number(),
  /** Events per second the profile asked for, accepted by the endpoint, and failed, in this window. */
  target: z.number(),
  accepted: z.number(),
  failed: z.number(),
  /** Events re-sent per second in this window (an outage shows here before anything fails). */
  retried: z.number(),
});
export type RatePoint = z.infer<typeof RatePoint>;

export const GeneratorStatus = z.object({
  id: z.string(),
  state: GeneratorState,
  url: z.string(),
  spec: GeneratorSpec,
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  elapsedMs: z.number(),
  /** Events the profile asks for over the whole run. */
  expected: z.number(),
  /** Events made so far. */
  generated: z.number(),
  /** Events handed to the endpoint (each counted once, however often retried). */
  sent: z.number(),
  /** Events in batches the endpoint answered 2xx. */
  accepted: z.number(),
  /** Events given up on; by reason (e.g. http_503, connection_refused, http_400, stopped). */
  failed: z.number(),
  failedByReason: z.record(z.string(), z.number()),
  /** Event re-sends (a retried batch of 100 counts 100). */
  retried: z.number(),
  /** Events in requests not yet answered (sent = accepted + failed + inFlight). */
  inFlight: z.number(),
  bytes: z.number(),
  requests: z.number(),
  /** Accepted events per second over the run so far. */
  acceptedRate: z.number(),
  points: z.array(RatePoint),
  lastError: z.object({ reason: z.string(), message: z.string(), at: z.number() }).nullable(),
});
export type GeneratorStatus = z.infer<typeof GeneratorStatus>;

// ---- Anomaly events -------------------------------------------------------------------------

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;

/**
 * An event on Kafka topic `anomaly-events` (charts/logclaw-kafka values.yaml `topics.anomaly-events`:
 * written by logclaw-flink's anomaly scoring, read by logclaw-ml-engine and logclaw-ticketing-agent,
 * which routes by `severity`: config.routing in charts/logclaw-ticketing-agent). The seed's example:
 * {"anomaly_id":"ANO-001","service":"payment-api","score":0.92,"severity":"critical","message":"Error rate spike to 15%"}
 */
const AnomalyFields = z.object({
  anomaly_id: z.string().trim().min(1, 'an anomaly id is required').max(128),
  service: z.string().trim().min(1, 'a service is required').max(253),
  score: z.number({ error: 'score must be a number from 0 to 1' }).min(0, 'score must be from 0 to 1').max(1, 'score must be from 0 to 1'),
  severity: Severity,
  message: z.string().max(10_000),
  /** ISO 8601; the producer fills it when absent. */
  timestamp: z.iso.datetime({ offset: true }).optional(),
});

export const IncidentStatus = z.enum(['open', 'update', 'closed']);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** What a scorer saw: the window it scored, its counts, the service's own baseline, and examples. */
export const AnomalyEvidence = z.object({
  window: z.object({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) }),
  counts: z.object({ events: z.number().int().nonnegative(), errors: z.number().int().nonnegative() }),
  /** Error counts per window over the `windows` before this one; `windows` 0 means the cold-start floor rule decided. */
  baseline: z.object({
    windows: z.number().int().nonnegative(),
    median: z.number().nonnegative(),
    mad: z.number().nonnegative().optional(),
    ewma: z.number().nonnegative().optional(),
  }),
  samples: z.array(z.string().max(2_000)).max(5),
  trace_ids: z.array(z.string().max(256)).max(20),
});
export type AnomalyEvidence = z.infer<typeof AnomalyEvidence>;

/**
 * The fields after the seed's five are optional, written by the stack's anomaly scorer
 * (workloads/anomaly-scorer): one incident is opened, updated and closed under one `incident_key`;
 * `synthetic` when the logs behind it were sent by the app's tools (generator, trace, canary), and on every
 * anomaly the app sends itself (logs:sendAnomaly).
 */
export const AnomalyEvent = AnomalyFields.extend({
  incident_key: z.string().trim().min(1).max(512).optional(),
  status: IncidentStatus.optional(),
  synthetic: z.boolean().optional(),
  evidence: AnomalyEvidence.optional(),
});
export type AnomalyEvent = z.infer<typeof AnomalyEvent>;

/** The app's manual anomaly: the seed's fields only (incidents are the scorer's). */
export const AnomalyRequest = AnomalyFields.extend({
  anomaly_id: AnomalyFields.shape.anomaly_id.optional(),
  message: z.string().max(10_000).default(''),
}).strict();
export type AnomalyRequest = z.input<typeof AnomalyRequest>;

export const AnomalyResult = z.object({
  event: AnomalyEvent,
  topic: z.string(),
  partition: z.number(),
  offset: z.string(),
  command: z.string(),
});
export type AnomalyResult = z.infer<typeof AnomalyResult>;

// ---- Pipeline trace -------------------------------------------------------------------------

export const Hop = z.enum(['vector', 'kafka', 'opensearch']);
export type Hop = z.infer<typeof Hop>;

export const HopState = z.enum(['pending', 'running', 'ok', 'missing', 'failed', 'skipped']);
export type HopState = z.infer<typeof HopState>;

export const TraceHop = z.object({
  hop: Hop,
  title: z.string(),
  state: HopState,
  /** Milliseconds from sending to this hop having the event. */
  latencyMs: z.number().nullable(),
  /** What was found: "HTTP 200", "partition 3 offset 1042", "logclaw-logs-2026.01.31 / id". */
  detail: z.string(),
  /** Why the trace stopped here, in one line, with the error code when there is one. */
  reason: z.string().nullable(),
  code: ErrorCodeSchema.nullable(),
  hint: z.string().nullable(),
  where: z
    .object({ partition: z.number().optional(), offset: z.string().optional(), index: z.string().optional(), id: z.string().optional() })
    .nullable(),
});
export type TraceHop = z.infer<typeof TraceHop>;

export const TraceResult = z.object({
  traceId: z.string(),
  state: z.enum(['running', 'complete', 'stopped']),
  /** The hop where the event was last seen missing or failing; null when it went all the way. */
  stoppedAt: Hop.nullable(),
  startedAt: z.number(),
  sentAt: z.number().nullable(),
  vectorUrl: z.string().nullable(),
  event: LogEvent,
  hops: z.array(TraceHop),
});
export type TraceResult = z.infer<typeof TraceResult>;

export const TraceRequest = z
  .object({
    ...target,
    /** The OpenSearch to look in (default: the Search pane's connection, else the stack's forward). */
    opensearch: Endpoint.optional(),
    index: z.string().trim().min(1).max(512).default(LOGS_INDEX_PATTERN),
    timeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
    /** Extra fields for the traced event. */
    fields: LogEvent.default({}),
  })
  .strict();
export type TraceRequest = z.input<typeof TraceRequest>;

// ---- Canary ---------------------------------------------------------------------------------

export const CanaryHopStats = z.object({
  hop: Hop,
  delivered: z.number(),
  /** Older than the deadline and not seen at this hop. */
  missing: z.number(),
  /** Seen more than once. */
  duplicated: z.number(),
  /** Seen after a later one. */
  outOfOrder: z.number(),
  /** Sent, not seen yet, still within the deadline. */
  pending: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
});
export type CanaryHopStats = z.infer<typeof CanaryHopStats>;

export const CanaryHealth = z.enum(['ok', 'warn', 'fail', 'idle']);
export type CanaryHealth = z.infer<typeof CanaryHealth>;

export const CanaryStatus = z.object({
  state: z.enum(['stopped', 'starting', 'running']),
  runId: z.string().nullable(),
  startedAt: z.number().nullable(),
  intervalMs: z.number(),
  deadlineMs: z.number(),
  sent: z.number(),
  health: CanaryHealth,
  /** Why the health is what it is, in one line. */
  healthReason: z.string(),
  hops: z.array(CanaryHopStats),
  /** The last problem per hop (a hop that cannot be checked is reported, never silently skipped). */
  errors: z.array(ErrorInfo.extend({ hop: Hop, at: z.number() })),
  updatedAt: z.number(),
});
export type CanaryStatus = z.infer<typeof CanaryStatus>;

export const CanaryRequest = z
  .object({
    ...target,
    opensearch: Endpoint.optional(),
    index: z.string().trim().min(1).max(512).default(LOGS_INDEX_PATTERN),
    intervalMs: z.number().int().min(200).max(600_000).default(2_000),
    /** A log not seen at a hop after this long counts as missing there. */
    deadlineMs: z.number().int().min(1_000).max(3_600_000).default(30_000),
  })
  .strict();
export type CanaryRequest = z.input<typeof CanaryRequest>;

export const logsChannels = {
  'logs:state': { request: empty, response: LogsState },
  /** Saves (or with null, forgets) the Vector URL the pane and CLI use when none is given. */
  'logs:setVectorUrl': { request: z.object({ vectorUrl: httpUrl.nullable() }).strict(), response: LogsState },
  /** Saves a template; a built-in name makes a user copy that shadows it. */
  'logs:saveTemplate': {
    request: z.object({ name: TemplateName, description: z.string().max(200).default(''), event: LogEvent }).strict(),
    response: LogsState,
  },
  'logs:deleteTemplate': { request: z.object({ name: TemplateName }).strict(), response: LogsState },
  /** POSTs one event (or an array) to Vector's HTTP source. */
  'logs:send': { request: z.object({ ...target, events: LogPayload }).strict(), response: SendResult },
  'logs:generatorStart': { request: GeneratorSpec, response: GeneratorStatus },
  'logs:generatorStop': { request: z.object({ id: z.string().min(1) }).strict(), response: GeneratorStatus },
  /** The running (or last) generator run, or null. */
  'logs:generatorStatus': { request: empty, response: GeneratorStatus.nullable() },
  /** Validates against AnomalyEvent and produces to anomaly-events; an invalid event produces nothing. */
  'logs:sendAnomaly': { request: AnomalyRequest, response: AnomalyResult },
  'logs:trace': { request: TraceRequest, response: TraceResult },
  'logs:canaryStart': { request: CanaryRequest, response: CanaryStatus },
  'logs:canaryStop': { request: empty, response: CanaryStatus },
  'logs:canaryStatus': { request: empty, response: CanaryStatus },
} as const satisfies ChannelMap;

export const logsEvents = {
  'logs:generator': GeneratorStatus,
  /** A trace's progress, hop by hop (the invoke answers with the final result). */
  'logs:traceProgress': TraceResult,
  'logs:canary': CanaryStatus,
} as const satisfies EventMap;
