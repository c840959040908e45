// LogClaw anomaly scorer: a workload of the stack (the role logclaw-flink's anomaly job has in
// production). Reads raw-logs, scores per-service error counts against each service's own
// baseline (scoring.ts says how and why), and writes one incident — open, updates, closed — to
// anomaly-events, each event validated against the app's AnomalyEvent first.
//
// On every start it rebuilds: raw-logs is replayed from (now − history) by timestamp, and
// anomaly-events is read back over INCIDENT_HISTORY_MS to learn which incidents are open and up to
// which window they were reported, so a restart neither loses nor repeats an incident. The
// consumer group is one member (the chart runs one replica); the rebuild does not depend on its
// committed offsets.
//
//   npx tsx workloads/anomaly-scorer/main.ts
//
// Environment (defaults in brackets):
//   KAFKA_BROKERS               host:port[,host:port…] (required)
//   KAFKA_CLIENT_ID             [logclaw-anomaly-scorer]
//   KAFKA_USERNAME, KAFKA_PASSWORD  SCRAM-SHA-512 credentials; unset: no SASL
//   KAFKA_CA_FILE               PEM CA bundle; set: TLS to the brokers
//   KAFKA_SESSION_TIMEOUT_MS    [30000] consumer group session; a killed scorer's successor joins after it
//   INPUT_TOPIC                 [raw-logs]
//   OUTPUT_TOPIC                [anomaly-events]
//   GROUP_ID                    [logclaw-anomaly-scorer]
//   PORT                        [8080] /health and /metrics
//   WINDOW_MS                   [10000] scored window (and baseline window) length
//   STEP_MS                     [1000] windows slide by this; WINDOW_MS must be a multiple
//   BASELINE_WINDOWS            [60] previous windows in the baseline; history replayed on start = (this + 1) × WINDOW_MS
//   MIN_HISTORY_WINDOWS         [6] windows of history before the baseline replaces the cold-start floor rule
//   FLOOR_MIN_ERRORS            [5] floor rule: errors in a window (and the least any anomaly has)
//   FLOOR_MIN_ERROR_RATIO       [0.2] floor rule: errors / events in a window
//   Z_THRESHOLD                 [3.5] robust z-score at which a window is anomalous (score 0.5)
//   SEVERITY_THRESHOLDS         [low:0.5,medium:0.6,high:0.75,critical:0.9] least score per severity
//   GRACE_MS                    [2000] a window is scored this long after it ends (late events)
//   QUIET_MS                    [60000] an incident closes after this long without an anomalous window
//   UPDATE_INTERVAL_MS          [30000] at most one update per incident this often
//   UPDATE_MIN_SCORE_CHANGE     [0.1] an update needs this score change, a new severity, or errors ×2 / ÷2
//   INCIDENT_HISTORY_MS         [86400000] how far back anomaly-events is read on start
//   EVALUATE_INTERVAL_MS        [250] how often ended windows are scored
import { readFileSync } from 'node:fs';
import { type Admin, type Consumer, Kafka, type KafkaConfig, Partitioners, logLevel } from 'kafkajs';
import { z } from 'zod';
import { AnomalyEvent, Severity } from '#contract/logs.js';
import { serveWorkload } from '../shared/http.js';
import { Metrics } from '../shared/metrics.js';
import { parseLogRecord } from './log-event.js';
import { DEFAULT_CONFIG, Scorer, type ScorerConfig } from './scoring.js';

const positive = (fallback: number) => z.coerce.number().positive().default(fallback);

const Env = z.object({
  KAFKA_BROKERS: z.string().trim().min(1, 'KAFKA_BROKERS is required (host:port[,host:port…])'),
  KAFKA_CLIENT_ID: z.string().default('logclaw-anomaly-scorer'),
  KAFKA_USERNAME: z.string().optional(),
  KAFKA_PASSWORD: z.string().optional(),
  KAFKA_CA_FILE: z.string().optional(),
  KAFKA_SESSION_TIMEOUT_MS: positive(30_000),
  INPUT_TOPIC: z.string().default('raw-logs'),
  OUTPUT_TOPIC: z.string().default('anomaly-events'),
  GROUP_ID: z.string().default('logclaw-anomaly-scorer'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  WINDOW_MS: positive(DEFAULT_CONFIG.windowMs),
  STEP_MS: positive(DEFAULT_CONFIG.stepMs),
  BASELINE_WINDOWS: positive(DEFAULT_CONFIG.baselineWindows),
  MIN_HISTORY_WINDOWS: z.coerce.number().int().min(0).default(DEFAULT_CONFIG.minHistoryWindows),
  FLOOR_MIN_ERRORS: positive(DEFAULT_CONFIG.floorMinErrors),
  FLOOR_MIN_ERROR_RATIO: z.coerce.number().min(0).max(1).default(DEFAULT_CONFIG.floorMinErrorRatio),
  Z_THRESHOLD: positive(DEFAULT_CONFIG.zThreshold),
  SEVERITY_THRESHOLDS: z
    .string()
    .default('low:0.5,medium:0.6,high:0.75,critical:0.9')
    .transform((text) => Object.fromEntries(text.split(',').map((pair) => pair.split(':').map((part) => part.trim()))))
    .pipe(
      z.object(
        Object.fromEntries(Severity.options.map((name) => [name, z.coerce.number().min(0).max(1)])) as Record<Severity, z.ZodCoercedNumber>,
      ),
    ),
  GRACE_MS: z.coerce.number().min(0).default(DEFAULT_CONFIG.graceMs),
  QUIET_MS: positive(DEFAULT_CONFIG.quietMs),
  UPDATE_INTERVAL_MS: z.coerce.number().min(0).default(DEFAULT_CONFIG.updateIntervalMs),
  UPDATE_MIN_SCORE_CHANGE: z.coerce.number().min(0).max(1).default(DEFAULT_CONFIG.updateMinScoreChange),
  INCIDENT_HISTORY_MS: positive(86_400_000),
  EVALUATE_INTERVAL_MS: positive(250),
});

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

function kafkaConfig(env: z.infer<typeof Env>): KafkaConfig {
  return {
    clientId: env.KAFKA_CLIENT_ID,
    brokers: env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
    logLevel: logLevel.WARN,
    ...(env.KAFKA_CA_FILE ? { ssl: { ca: [readFileSync(env.KAFKA_CA_FILE, 'utf8')] } } : {}),
    ...(env.KAFKA_USERNAME
      ? { sasl: { mechanism: 'scram-sha-512' as const, username: env.KAFKA_USERNAME, password: env.KAFKA_PASSWORD ?? '' } }
      : {}),
  };
}

/** Per partition: the offset the replay starts at, and the end it must reach to count as caught up. */
async function offsetsSince(admin: Admin, topic: string, sinceMs: number): Promise<Map<number, { from: number; end: number }>> {
  const [ends, starts] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchTopicOffsetsByTimestamp(topic, sinceMs)]);
  const from = new Map(starts.map(({ partition, offset }) => [partition, Number(offset)]));
  return new Map(ends.map(({ partition, high }) => [partition, { from: from.get(partition) ?? Number(high), end: Number(high) }]));
}

/**
 * Positions every partition at `position(partition)` each time the group is (re)joined: the
 * replay's start at first, then the next record not yet read, so a consumer restarted by kafkajs
 * after a crash or a rebalance resumes exactly where this process is, whatever the group committed.
 */
function seekOnJoin(consumer: Consumer, topic: string, partitions: number[], position: (partition: number) => number): void {
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const partition of partitions) consumer.seek({ topic, partition, offset: String(position(partition)) });
  });
}

/** The scorer's incident events on anomaly-events since `sinceMs`, in topic order per partition. */
async function readIncidents(kafka: Kafka, admin: Admin, topic: string, sinceMs: number, groupBase: string): Promise<AnomalyEvent[]> {
  const offsets = await offsetsSince(admin, topic, sinceMs);
  const remaining = new Set([...offsets].filter(([, { from, end }]) => from < end).map(([partition]) => partition));
  if (remaining.size === 0) return [];
  // A throwaway group (deleted below): reading back must not move the scorer's own group.
  const groupId = `${groupBase}.incidents.${process.pid}.${Date.now()}`;
  const consumer = kafka.consumer({ groupId });
  const next = new Map([...offsets].map(([partition, { from }]) => [partition, from]));
  seekOnJoin(consumer, topic, [...offsets.keys()], (partition) => next.get(partition)!);
  const events: AnomalyEvent[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} back did not finish in 120 s`)), 120_000);
      void consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const offset = Number(message.offset);
            const end = offsets.get(partition)!.end;
            if (offset < next.get(partition)! || offset >= end) return;
            next.set(partition, offset + 1);
            const parsed = AnomalyEvent.safeParse(JSON.parse(message.value?.toString() ?? 'null'));
            if (parsed.success && parsed.data.incident_key) events.push(parsed.data);
            if (offset + 1 >= end) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return events;
}

async function main(): Promise<void> {
  const parsedEnv = Env.safeParse(process.env);
  if (!parsedEnv.success)
    throw new Error(`configuration: ${parsedEnv.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const env = parsedEnv.data;
  const config: ScorerConfig = {
    windowMs: env.WINDOW_MS,
    stepMs: env.STEP_MS,
    baselineWindows: env.BASELINE_WINDOWS,
    minHistoryWindows: env.MIN_HISTORY_WINDOWS,
    floorMinErrors: env.FLOOR_MIN_ERRORS,
    floorMinErrorRatio: env.FLOOR_MIN_ERROR_RATIO,
    zThreshold: env.Z_THRESHOLD,
    severity: env.SEVERITY_THRESHOLDS,
    graceMs: env.GRACE_MS,
    quietMs: env.QUIET_MS,
    updateIntervalMs: env.UPDATE_INTERVAL_MS,
    updateMinScoreChange: env.UPDATE_MIN_SCORE_CHANGE,
  };
  const scorer = new Scorer(config, Date.now);

  const metrics = new Metrics();
  const consumed = metrics.counter('scorer_events_consumed_total', `Records consumed from ${env.INPUT_TOPIC} (replayed ones included).`);
  const unreadable = metrics.counter(
    'scorer_events_unreadable_total',
    'Records that were not a JSON object (counted in consumed, not scored).',
  );
  const produced = metrics.counter(
    'scorer_anomalies_produced_total',
    `Anomaly events produced to ${env.OUTPUT_TOPIC}, by status and severity.`,
  );
  const lagGauge = metrics.gauge('scorer_consumer_lag_messages', `Records of ${env.INPUT_TOPIC} not consumed yet (from the last fetch).`);
  const openGauge = metrics.gauge('scorer_open_incidents', 'Incidents open now.');
  const servicesGauge = metrics.gauge('scorer_services_tracked', 'Services with history in the window horizon.');

  const status = { joined: false, caughtUp: false, incidentsRead: false, consumed: 0, lag: 0, produced: 0, pending: 0 };
  const startedAt = Date.now();
  const horizon = startedAt - scorer.historyMs;
  const server = await serveWorkload({
    port: env.PORT,
    metrics,
    health: () => {
      const snapshot = scorer.snapshot();
      const waiting = !status.incidentsRead
        ? `reading ${env.OUTPUT_TOPIC} back`
        : !status.joined
          ? `joining group ${env.GROUP_ID}`
          : !status.caughtUp
            ? `replaying ${env.INPUT_TOPIC} since ${new Date(horizon).toISOString()}`
            : null;
      return {
        ok: waiting === null,
        detail: {
          ...(waiting ? { waiting } : {}),
          lag: status.lag,
          consumed: status.consumed,
          produced: status.produced,
          pending: status.pending,
          services: snapshot.services,
          openIncidents: snapshot.open.length,
          incidents: snapshot.open,
          scoredThrough: snapshot.scoredThrough,
          replayedFrom: new Date(horizon).toISOString(),
        },
      };
    },
  });
  log(`listening on :${server.port}; replaying ${env.INPUT_TOPIC} since ${new Date(horizon).toISOString()}`);

  const kafka = new Kafka(kafkaConfig(env));
  const admin = kafka.admin();
  await admin.connect();
  const known = await readIncidents(kafka, admin, env.OUTPUT_TOPIC, startedAt - env.INCIDENT_HISTORY_MS, env.GROUP_ID);
  scorer.adopt(known);
  status.incidentsRead = true;
  log(`read ${known.length} incident events back; ${scorer.snapshot().open.length} open`);

  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();

  const partitions = await offsetsSince(admin, env.INPUT_TOPIC, horizon);
  /** Next offset to score per partition: a rebalance may redeliver records already counted. */
  const next = new Map([...partitions].map(([partition, { from }]) => [partition, from]));
  const highWatermarks = new Map([...partitions].map(([partition, { end }]) => [partition, end]));
  const refresh = () => {
    status.lag = [...highWatermarks].reduce((sum, [partition, high]) => sum + Math.max(0, high - (next.get(partition) ?? 0)), 0);
    lagGauge.set(status.lag);
    if (!status.caughtUp && [...partitions].every(([partition, { end }]) => (next.get(partition) ?? 0) >= end)) {
      status.caughtUp = true;
      scorer.start(horizon);
      log(`caught up after ${Date.now() - startedAt} ms (${status.consumed} records replayed)`);
    }
  };

  const consumer: Consumer = kafka.consumer({ groupId: env.GROUP_ID, sessionTimeout: env.KAFKA_SESSION_TIMEOUT_MS });
  seekOnJoin(consumer, env.INPUT_TOPIC, [...partitions.keys()], (partition) => next.get(partition)!);
  consumer.on(consumer.events.GROUP_JOIN, () => {
    status.joined = true;
    refresh();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    log(`consumer stopped: ${payload.error.message}`);
    process.exit(1);
  });
  await consumer.connect();
  await consumer.subscribe({ topic: env.INPUT_TOPIC });
  await consumer.run({
    eachBatch: async ({ batch, heartbeat }) => {
      const partition = batch.partition;
      let expected = next.get(partition) ?? 0;
      let count = 0;
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        if (offset < expected) continue;
        const record = parseLogRecord(message.value?.toString() ?? '', {
          key: message.key?.toString() ?? null,
          timestamp: Number(message.timestamp),
        });
        if (record) scorer.add(record);
        else unreadable.inc();
        expected = offset + 1;
        count++;
      }
      consumed.inc({}, count);
      status.consumed += count;
      next.set(partition, expected);
      highWatermarks.set(partition, Number(batch.highWatermark));
      refresh();
      await heartbeat();
    },
  });
  refresh();

  let publishing = false;
  const timer = setInterval(() => {
    if (!status.caughtUp || publishing) return;
    const events = scorer.evaluate().map((event) => AnomalyEvent.parse(event));
    const snapshot = scorer.snapshot();
    openGauge.set(snapshot.open.length);
    servicesGauge.set(snapshot.services);
    if (events.length === 0) return;
    publishing = true;
    status.pending = events.length;
    producer
      .send({ topic: env.OUTPUT_TOPIC, acks: -1, messages: events.map((event) => ({ key: event.service, value: JSON.stringify(event) })) })
      .then(() => {
        publishing = false;
        status.pending = 0;
        status.produced += events.length;
        for (const event of events) {
          produced.inc({ status: event.status!, severity: event.severity });
          log(`${event.status} ${event.incident_key} ${event.severity} ${event.score}`);
        }
      })
      .catch((error: unknown) => {
        // The events are lost to this process; a restart rebuilds and derives them again.
        log(`producing to ${env.OUTPUT_TOPIC} failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
  }, env.EVALUATE_INTERVAL_MS);

  const stop = async () => {
    clearInterval(timer);
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect(), server.close()]);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  log(`anomaly scorer failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
