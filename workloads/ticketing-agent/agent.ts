// The ticketing agent: anomaly-events in, one ticket per incident key per routed platform out, and
// every outcome on ticket-events. Restart safety comes from ticket-events itself: on start the agent
// reads it from the beginning (its retention is the horizon) to learn which (incident, platform)
// already has a ticket, input offsets are committed only after the outcomes are published, and a
// create is announced ("pending") before it is sent, so after a crash between the two the agent asks
// the platform (find) or relies on its dedup key instead of opening a second ticket.
import { randomUUID } from 'node:crypto';
import { type Consumer, type Kafka, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import type { AgentConfig, Platform, Secrets } from './config.js';
import { type Anomaly, incidentKey, parseAnomaly } from './anomaly.js';
import { summarize } from './llm.js';
import { type Incident, type PlatformClient, type Ticket, createClients } from './platforms.js';
import { type Clock, systemClock, withRetries } from './retry.js';
import type { Health } from '../shared/http.js';
import { Metrics } from '../shared/metrics.js';

export type TicketStatus = 'pending' | 'created' | 'updated' | 'failed' | 'dead-lettered' | 'skipped';

/** A record on ticket-events (key `<platform>:<incident key>`, so one incident's records stay in order). */
export interface TicketEvent {
  anomaly_id: string;
  incident_key: string;
  platform: Platform;
  service: string;
  severity: string;
  /** pending: a create is about to be sent (its outcome follows in another record). */
  status: TicketStatus;
  ticket_id?: string;
  ticket_url?: string;
  summary?: string;
  summary_source?: 'llm' | 'fallback';
  reason?: string;
  latency_ms: number;
  retries: number;
  synthetic: boolean;
  at: string;
}

export interface Agent {
  /** Latest outcome per incident and platform, newest first. */
  tickets(): TicketEvent[];
  health(): Health;
  metrics: Metrics;
  stop(): Promise<void>;
}

const slot = (key: string, platform: string) => `${platform}:${key}`;

export async function startAgent(options: {
  config: AgentConfig;
  secrets: Secrets;
  kafka: Kafka;
  redact: (text: string) => string;
  log: (line: Record<string, unknown>) => void;
  clock?: Clock;
}): Promise<Agent> {
  const { config, secrets, kafka, redact, log } = options;
  const clock = options.clock ?? systemClock;
  const clients = createClients(config, secrets, clock);
  const { inputTopic, outputTopic, deadLetterTopic, consumerGroup } = config.kafka;

  const metrics = new Metrics();
  const anomaliesTotal = metrics.counter('ticketing_anomalies_total', 'Anomaly events consumed, by severity.');
  const outcomesTotal = metrics.counter('ticketing_outcomes_total', 'Outcomes published to ticket-events, by platform and status.');
  const retriesTotal = metrics.counter('ticketing_retries_total', 'Platform request retries, by platform.');
  const summariesTotal = metrics.counter('ticketing_summaries_total', 'Root-cause summaries, by source (llm or fallback).');
  const latency = metrics.gauge('ticketing_latency_ms', 'Anomaly consumed to outcome published, last one per platform.');

  const tickets = new Map<string, Ticket>();
  /** Creates announced without an outcome yet: slot → anomaly id. */
  const pending = new Map<string, string>();
  const latest = new Map<string, TicketEvent>();
  const state = { rebuilt: false, consuming: false, lastError: '' as string, rebuiltRecords: 0 };

  const apply = (event: TicketEvent) => {
    const key = slot(event.incident_key, event.platform);
    if (event.status === 'pending') pending.set(key, event.anomaly_id);
    else pending.delete(key);
    if ((event.status === 'created' || event.status === 'updated') && event.ticket_id)
      tickets.set(key, { id: event.ticket_id, url: event.ticket_url ?? '' });
    if (event.status !== 'pending') latest.set(key, event);
  };

  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const missing = [outputTopic, deadLetterTopic].filter((topic) => !existing.has(topic));
  if (missing.length)
    await admin
      .createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: true })
      .catch((error: unknown) => log({ level: 'warn', msg: 'could not create the output topics', topics: missing, error: String(error) }));
  const ends = await admin.fetchTopicOffsets(outputTopic);
  await admin.disconnect();

  // Rebuild: read ticket-events up to the end it had when the agent started.
  const behind = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]));
  if (behind.size > 0) {
    const reader = kafka.consumer({ groupId: `${consumerGroup}-rebuild-${randomUUID()}`, allowAutoTopicCreation: false });
    await reader.connect();
    await reader.subscribe({ topic: outputTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      reader.on(reader.events.CRASH, (event) => reject(new Error(`rebuild: ${String(event.payload.error)}`)));
      void reader.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            try {
              apply(JSON.parse(message.value?.toString('utf8') ?? '') as TicketEvent);
              state.rebuiltRecords++;
            } catch {
              // not one of ours: nothing to rebuild from it
            }
          }
          const end = behind.get(batch.partition);
          if (end !== undefined && Number(batch.lastOffset()) + 1 >= end) behind.delete(batch.partition);
          if (behind.size === 0) resolve();
        },
      });
    });
    await reader.disconnect();
  }
  state.rebuilt = true;
  log({ level: 'info', msg: 'rebuilt ticket state from ticket-events', records: state.rebuiltRecords, tickets: tickets.size });

  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();

  const publish = async (event: TicketEvent) => {
    const value = redact(JSON.stringify(event));
    await producer.send({ topic: outputTopic, messages: [{ key: slot(event.incident_key, event.platform), value }] });
    apply(JSON.parse(value) as TicketEvent);
    if (event.status !== 'pending') {
      outcomesTotal.inc({ platform: event.platform, status: event.status });
      latency.set(event.latency_ms, { platform: event.platform });
      log({
        level: event.status === 'failed' || event.status === 'dead-lettered' ? 'warn' : 'info',
        msg: 'ticket outcome',
        ...event,
        summary: undefined,
      });
    }
  };

  const deadLetter = async (record: Record<string, unknown>) => {
    await producer.send({
      topic: deadLetterTopic,
      messages: [{ key: String(record.incident_key ?? ''), value: redact(JSON.stringify(record)) }],
    });
  };

  const deliver = async (
    platform: Platform,
    client: PlatformClient,
    incident: Incident,
    base: Omit<TicketEvent, 'platform' | 'status' | 'latency_ms' | 'retries' | 'at'>,
    started: number,
  ) => {
    const key = slot(incident.key, platform);
    const done = (status: TicketStatus, extra: Partial<TicketEvent> & { retries: number }) =>
      publish({ ...base, platform, status, latency_ms: clock.now() - started, at: new Date(clock.now()).toISOString(), ...extra });
    let ticket = tickets.get(key);
    let retries = 0;
    const inDoubt = pending.get(key);
    if (!ticket && inDoubt !== undefined && client.find) {
      const found = await withRetries(config.retry, () => client.find!(incident), { clock });
      retries += found.retries;
      if (found.value) {
        ticket = found.value;
        if (inDoubt === incident.anomaly.anomaly_id)
          return done('created', {
            ticket_id: ticket.id,
            ticket_url: ticket.url,
            retries,
            reason: 'found at the platform after a restart',
          });
      }
    }
    if (!ticket && incident.anomaly.status === 'closed')
      return done('skipped', { retries, reason: 'incident closed before a ticket was opened' });
    if (!ticket) await done('pending', { retries });
    const existing = ticket;
    const outcome = await withRetries(config.retry, () => (existing ? client.update(existing, incident) : client.create(incident)), {
      clock,
    });
    retries += outcome.retries;
    if (retries) retriesTotal.inc({ platform }, retries);
    if (outcome.value)
      return done(existing ? 'updated' : 'created', { ticket_id: outcome.value.id, ticket_url: outcome.value.url, retries });
    const reason = outcome.error?.message ?? 'unknown error';
    const status = outcome.error?.retryable ? 'dead-lettered' : 'failed';
    await deadLetter({
      reason,
      status,
      platform,
      incident_key: incident.key,
      attempts: outcome.retries + 1,
      anomaly: incident.anomaly,
      at: new Date(clock.now()).toISOString(),
    });
    return done(status, { retries, reason });
  };

  const handle = async (anomaly: Anomaly) => {
    const started = clock.now();
    anomaliesTotal.inc({ severity: anomaly.severity });
    const key = incidentKey(anomaly);
    const routed = [...new Set(config.routing[anomaly.severity] ?? [])];
    const synthetic = anomaly.synthetic === true;
    const onlySink = synthetic && !config.syntheticToAllPlatforms;
    const targets = onlySink ? (clients.webhook ? ['webhook' as const] : []) : routed;
    const skipped = onlySink ? routed.filter((platform) => platform !== 'webhook') : [];
    const base = { anomaly_id: anomaly.anomaly_id, incident_key: key, service: anomaly.service, severity: anomaly.severity, synthetic };
    const at = () => new Date(clock.now()).toISOString();
    for (const platform of skipped)
      await publish({
        ...base,
        platform,
        status: 'skipped',
        reason: 'synthetic anomaly: only the local sink gets it (syntheticToAllPlatforms is off)',
        latency_ms: 0,
        retries: 0,
        at: at(),
      });
    if (targets.length === 0) return;
    const summary = await summarize(config.llm, secrets.llmApiKey, anomaly);
    summariesTotal.inc({ source: summary.source });
    if (summary.reason) log({ level: 'info', msg: 'fallback summary', anomaly_id: anomaly.anomaly_id, reason: summary.reason });
    const incident: Incident = { key, anomaly, summary: summary.text };
    const withSummary = { ...base, summary: summary.text, summary_source: summary.source };
    await Promise.all(targets.map((platform) => deliver(platform, clients[platform]!, incident, withSummary, started)));
  };

  const consumer: Consumer = kafka.consumer({ groupId: consumerGroup, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic: inputTopic, fromBeginning: true });
  consumer.on(consumer.events.CRASH, (event) => {
    state.consuming = false;
    state.lastError = String(event.payload.error);
    log({ level: 'error', msg: 'consumer crashed', error: state.lastError, restart: event.payload.restart });
  });
  consumer.on(consumer.events.GROUP_JOIN, () => (state.consuming = true));
  const commit = (partition: number, message: KafkaMessage) =>
    consumer.commitOffsets([{ topic: inputTopic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  await consumer.run({
    autoCommit: false,
    // Partitions in parallel: an incident's anomalies share a partition (keyed by incident), so each stays in order.
    partitionsConsumedConcurrently: config.kafka.partitionsConcurrently,
    eachMessage: async ({ partition, message }) => {
      const parsed = parseAnomaly(message.value);
      if ('error' in parsed) {
        log({ level: 'warn', msg: 'invalid anomaly event', partition, offset: message.offset, error: parsed.error });
        await deadLetter({
          reason: `invalid anomaly event: ${parsed.error}`,
          status: 'failed',
          partition,
          offset: message.offset,
          value: message.value?.toString('utf8').slice(0, 10_000),
        });
      } else {
        await handle(parsed.anomaly);
      }
      await commit(partition, message);
    },
  });

  return {
    metrics,
    tickets: () => [...latest.values()].sort((a, b) => b.at.localeCompare(a.at)),
    health: () => ({
      ok: state.rebuilt && state.consuming,
      detail: {
        rebuilt: state.rebuilt,
        consuming: state.consuming,
        incidents: tickets.size,
        platforms: Object.keys(clients),
        llm: config.llm.provider,
        ...(state.lastError ? { lastError: redact(state.lastError) } : {}),
      },
    }),
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
