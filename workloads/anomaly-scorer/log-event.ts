// What the scorer reads from one raw-logs record. Vector's receiver (charts/logclaw-ingestion, the
// `stamp` VRL) writes the sender's JSON object plus `tenant`, `ingest_timestamp` and a parsed
// `timestamp` (RFC 3339; the ingest time when the sender gave none or an unparsable one), keyed by
// `.service`.
import { TRACE_FIELD } from '#contract/logs.js';

export interface LogRecord {
  service: string;
  /** Epoch ms: the event's own `timestamp` (or `@timestamp`), else the Kafka record's. */
  at: number;
  error: boolean;
  message: string;
  traceId: string | null;
  /** Sent by the app's tools (see SYNTHETIC_FIELDS). */
  synthetic: boolean;
}

/** Text levels that count as an error, compared case-insensitively. */
const ERROR_LEVELS = new Set(['error', 'err', 'fatal', 'critical', 'crit', 'alert', 'emerg', 'emergency', 'panic']);
/** OpenTelemetry SeverityNumber: 17–24 are ERROR..FATAL4. */
const OTEL_ERROR_MIN = 17;

/**
 * Fields the app's log tools put on what they send: the generator's run id (`logclaw_run`), the
 * canary's run (`logclaw_canary`), the pipeline trace's id (TRACE_FIELD), and an explicit
 * `logclaw_synthetic: true` for anything else that wants its logs kept away from real on-call.
 */
export const SYNTHETIC_FIELDS = ['logclaw_run', 'logclaw_canary', TRACE_FIELD] as const;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

function parseTime(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Error when any of these says so: `level`, `severity`, `log.level` (ECS) or `severity_text` (OTel)
 * is one of ERROR_LEVELS, or `severity_number` (OTel) is 17 or more.
 */
export function isError(event: Json): boolean {
  const log = isObject(event.log) ? event.log : {};
  for (const value of [event.level, event.severity, log.level, event.severity_text]) {
    if (typeof value === 'string' && ERROR_LEVELS.has(value.trim().toLowerCase())) return true;
  }
  return typeof event.severity_number === 'number' && event.severity_number >= OTEL_ERROR_MIN;
}

function traceIdOf(event: Json): string | null {
  const trace = isObject(event.trace) ? event.trace : {};
  for (const value of [event.trace_id, event.traceId, event[TRACE_FIELD], trace.id]) {
    const id = text(value);
    if (id) return id.slice(0, 256);
  }
  return null;
}

/** One record's value (JSON text) as a LogRecord; null when it is not a JSON object. */
export function parseLogRecord(value: string, kafka: { key: string | null; timestamp: number }): LogRecord | null {
  let event: unknown;
  try {
    event = JSON.parse(value);
  } catch {
    return null;
  }
  if (!isObject(event)) return null;
  const service = text(event.service) ?? (isObject(event.service) ? text(event.service.name) : null) ?? text(kafka.key) ?? 'unknown';
  const message = text(event.message) ?? text(event.msg) ?? '';
  return {
    service: service.slice(0, 253),
    at: parseTime(event.timestamp) ?? parseTime(event['@timestamp']) ?? kafka.timestamp,
    error: isError(event),
    message: message.slice(0, 2_000),
    traceId: traceIdOf(event),
    synthetic: event.logclaw_synthetic === true || SYNTHETIC_FIELDS.some((field) => event[field] !== undefined),
  };
}
