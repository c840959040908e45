// The pipeline trace: sends one log stamped with a trace id to Vector, then looks for it in Kafka
// raw-logs (partition, offset, the record's own timestamp) and in OpenSearch logclaw-logs-* (first
// visible in search), concurrently. Each hop gets a latency from the send, or the reason it stopped
// there: forward down, topic missing, index missing, not written within the timeout.
import { randomBytes } from 'node:crypto';
import { AppError, toErrorPayload } from '#contract/errors.js';
import { type Hop, type LogEvent, RAW_LOGS_TOPIC, TRACE_FIELD, type TraceHop, type TraceResult } from '#contract/logs.js';
import type { KafkaMessage } from '#contract/kafka.js';
import type { Endpoint } from '#contract/search.js';
import { type FoundDoc, type Watch, type WatchOptions, dailyIndex, isIndexMissing } from './pipeline.js';
import type { PostOutcome } from './vector-client.js';

export interface ResolvedVector {
  url: string;
  /** Where the URL came from: the request, logs.json, or the stack's forward. */
  via: 'explicit' | 'saved' | 'forward';
}

export interface TraceDeps {
  resolveVector(explicit?: string): Promise<ResolvedVector>;
  post(url: string, body: string): Promise<PostOutcome>;
  watchKafka(options: WatchOptions): Promise<Watch>;
  searchDocs(options: { index: string; field: string; value: string; endpoint?: Endpoint }): Promise<FoundDoc[]>;
  listIndices(pattern: string, endpoint?: Endpoint): Promise<string[]>;
  onProgress?(result: TraceResult): void;
  /** OpenSearch poll interval. */
  pollMs?: number;
}

export interface TraceOptions {
  vectorUrl?: string;
  opensearch?: Endpoint;
  index: string;
  timeoutMs: number;
  fields: LogEvent;
}

const TITLES: Record<Hop, string> = { vector: 'Vector HTTP source', kafka: `Kafka ${RAW_LOGS_TOPIC}`, opensearch: 'OpenSearch' };

export function newTraceId(): string {
  return `lct${randomBytes(10).toString('hex')}`;
}

function hop(name: Hop): TraceHop {
  return {
    hop: name,
    title: TITLES[name],
    state: 'pending',
    latencyMs: null,
    detail: '',
    reason: null,
    code: null,
    hint: null,
    where: null,
  };
}

export async function runTrace(options: TraceOptions, deps: TraceDeps, traceId = newTraceId()): Promise<TraceResult> {
  const startedAt = Date.now();
  const event: LogEvent = {
    ...options.fields,
    message: `LogClaw pipeline trace ${traceId}`,
    level: 'INFO',
    service: 'logclaw-trace',
    [TRACE_FIELD]: traceId,
    timestamp: new Date(startedAt).toISOString(),
  };
  const result: TraceResult = {
    traceId,
    state: 'running',
    stoppedAt: null,
    startedAt,
    sentAt: null,
    vectorUrl: null,
    event,
    hops: [hop('vector'), hop('kafka'), hop('opensearch')],
  };
  const get = (name: Hop) => result.hops.find((h) => h.hop === name)!;
  const update = (name: Hop, patch: Partial<TraceHop>) => {
    Object.assign(get(name), patch);
    deps.onProgress?.(structuredClone(result));
  };
  const fail = (name: Hop, state: 'failed' | 'missing', error: unknown, reason?: string) => {
    const payload = toErrorPayload(error);
    update(name, { state, reason: reason ?? payload.message, code: payload.code, hint: payload.hint ?? null });
  };
  const finish = (): TraceResult => {
    result.state = 'complete';
    result.stoppedAt = result.hops.find((h) => h.state !== 'ok')?.hop ?? null;
    deps.onProgress?.(structuredClone(result));
    return result;
  };
  const skipDownstream = (why: string) => {
    for (const name of ['kafka', 'opensearch'] as const)
      if (get(name).state === 'pending' || get(name).state === 'running') update(name, { state: 'skipped', reason: why });
  };

  // Hop 1: Vector.
  update('vector', { state: 'running', detail: 'resolving the Vector URL' });
  let vector: ResolvedVector;
  try {
    vector = await deps.resolveVector(options.vectorUrl);
  } catch (error) {
    fail('vector', 'failed', error);
    skipDownstream('not sent: no Vector to send to');
    return finish();
  }
  result.vectorUrl = vector.url;
  const deadline = () => (result.sentAt ?? Date.now()) + options.timeoutMs;

  // Kafka: join before sending, reading from a little before now.
  let kafkaFound: ((message: KafkaMessage, receivedAt: number) => void) | null = null;
  const kafkaMessage = new Promise<{ message: KafkaMessage; receivedAt: number }>((resolve) => {
    kafkaFound = (message, receivedAt) => resolve({ message, receivedAt });
  });
  let kafkaEnded: ((reason: string) => void) | null = null;
  const kafkaEnd = new Promise<string>((resolve) => (kafkaEnded = resolve));
  update('kafka', { state: 'running', detail: `joining ${RAW_LOGS_TOPIC}` });
  const watchStart = deps
    .watchKafka({
      topic: RAW_LOGS_TOPIC,
      fromMs: startedAt - 5_000,
      text: traceId,
      onMessages: (messages, receivedAt) => {
        for (const message of messages) {
          if (parseValue(message.value)?.[TRACE_FIELD] === traceId) kafkaFound?.(message, receivedAt);
        }
      },
      onEnd: (status) => kafkaEnded?.(status.error?.message ?? status.reason),
    })
    .then(
      (watch) => ({ watch, error: null }),
      (error: unknown) => ({ watch: null, error }),
    );

  const body = JSON.stringify(event);
  update('vector', { detail: `POST ${vector.url}` });
  const sendStarted = Date.now();
  const outcome = await deps.post(vector.url, body);
  result.sentAt = sendStarted;
  if (!outcome.ok) {
    const reason =
      outcome.status === null
        ? `${vector.via === 'forward' ? "the stack's vector forward is down" : `Vector at ${vector.url} is not reachable`}: ${outcome.message}`
        : `Vector answered ${outcome.message}`;
    const code = outcome.status === null ? 'VECTOR_UNREACHABLE' : 'VECTOR_FAILED';
    update('vector', {
      state: 'failed',
      latencyMs: outcome.latencyMs,
      reason,
      code,
      hint:
        outcome.status === null
          ? 'Start the vector forward (Forwards pane) or give the URL of a running Vector (--vector-url, or the Logs pane).'
          : 'Vector could not accept the log: see its logs (kubectl logs deploy/logclaw-ingestion-<tenant>).',
    });
    skipDownstream('not sent: Vector did not accept the log');
    const started = await watchStart;
    await started.watch?.stop();
    return finish();
  }
  update('vector', { state: 'ok', latencyMs: outcome.latencyMs, detail: `HTTP ${outcome.status} in ${Math.round(outcome.latencyMs)} ms` });

  const kafkaHop = (async () => {
    const started = await watchStart;
    if (!started.watch) {
      const error = started.error;
      const code = error instanceof AppError ? error.code : 'INTERNAL';
      const reason =
        code === 'NOT_FOUND'
          ? `topic ${RAW_LOGS_TOPIC} is missing: ${(error as AppError).message}`
          : code === 'KAFKA_UNREACHABLE'
            ? `Kafka is not reachable (forward down?): ${(error as AppError).message}`
            : undefined;
      fail('kafka', 'failed', error, reason);
      return;
    }
    update('kafka', { detail: `reading ${RAW_LOGS_TOPIC} for ${traceId}` });
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(0, deadline() - Date.now())).unref());
    const found = await Promise.race([kafkaMessage, timeout, kafkaEnd.then((reason) => ({ ended: reason }))]);
    await started.watch.stop();
    if (found === null) {
      update('kafka', {
        state: 'missing',
        reason: `not in ${RAW_LOGS_TOPIC} ${Math.round(options.timeoutMs / 1000)} s after Vector accepted it`,
        code: 'TIMEOUT',
        hint: "Vector's kafka sink did not write it: check the receiver's logs and the broker (Kafka pane).",
      });
      return;
    }
    if ('ended' in found) {
      update('kafka', {
        state: 'failed',
        reason: `the tail on ${RAW_LOGS_TOPIC} ended: ${found.ended}`,
        code: 'KAFKA_UNREACHABLE',
        hint: 'Check the Kafka connection (Kafka pane).',
      });
      return;
    }
    const { message, receivedAt } = found;
    // The record's timestamp (set when Vector produced it) when it is plausible; else when we read it.
    const byRecord = message.timestamp - sendStarted;
    const latencyMs = byRecord >= 0 && byRecord <= receivedAt - sendStarted + 1_000 ? byRecord : receivedAt - sendStarted;
    const stamped = parseValue(message.value)?.ingest_timestamp;
    update('kafka', {
      state: 'ok',
      latencyMs,
      detail: `partition ${message.partition} offset ${message.offset}${typeof stamped === 'string' ? ` · ingest_timestamp ${stamped}` : ''}`,
      where: { partition: message.partition, offset: message.offset },
    });
  })();

  const openSearchHop = (async () => {
    update('opensearch', { state: 'running', detail: `searching ${options.index}` });
    const pollMs = deps.pollMs ?? 250;
    let lastError: unknown = null;
    let indexMissing = false;
    while (Date.now() < deadline()) {
      try {
        const docs = await deps.searchDocs({ index: options.index, field: TRACE_FIELD, value: traceId, endpoint: options.opensearch });
        lastError = null;
        indexMissing = false;
        const doc = docs[0];
        if (doc) {
          update('opensearch', {
            state: 'ok',
            latencyMs: Date.now() - sendStarted,
            detail: `${doc.index} · _id ${doc.id}`,
            where: { index: doc.index, id: doc.id },
          });
          return;
        }
      } catch (error) {
        if (isIndexMissing(error)) indexMissing = true;
        else if (
          error instanceof AppError &&
          (error.code === 'OPENSEARCH_UNREACHABLE' || error.code === 'FORBIDDEN' || error.code === 'INVALID_REQUEST')
        ) {
          fail(
            'opensearch',
            'failed',
            error,
            error.code === 'OPENSEARCH_UNREACHABLE' ? `OpenSearch is not reachable (forward down?): ${error.message}` : undefined,
          );
          return;
        } else lastError = error;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    const expected = dailyIndex(options.index, Date.parse(String(event.timestamp)));
    if (!indexMissing) {
      try {
        indexMissing = (await deps.listIndices(options.index, options.opensearch)).length === 0;
      } catch (error) {
        lastError = error;
      }
    }
    if (indexMissing) {
      update('opensearch', {
        state: 'failed',
        reason: `index missing: no index matches ${options.index} (Vector's OpenSearch sink writes ${expected})`,
        code: 'NOT_FOUND',
        hint: "Nothing has been indexed: the receiver's opensearch sink is off or failing (in production Flink indexes raw-logs; locally Vector does).",
      });
      return;
    }
    if (lastError) {
      fail('opensearch', 'failed', lastError);
      return;
    }
    update('opensearch', {
      state: 'missing',
      reason: `not in ${options.index} ${Math.round(options.timeoutMs / 1000)} s after Vector accepted it`,
      code: 'TIMEOUT',
      hint: 'The index exists but this log is not in it: check the OpenSearch sink (or Flink job) for errors and the index refresh interval.',
    });
  })();

  await Promise.all([kafkaHop, openSearchHop]);
  return finish();
}

/** A Kafka message value as a JSON object, or null (also used by the canary). */
export function parseValue(value: string | null): Record<string, unknown> | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
