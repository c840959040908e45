// The anomaly scorer as the stack runs it: a process reading raw-logs and writing anomaly-events on
// the test env's real Kafka, fed scripted streams (unique topics per test).
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTestEnv } from '../support/test-env.js';
import { type ScorerProcess, readAnomalies, startScorer, uniqueName } from './scorer-process.js';

const WINDOW_MS = 10_000;

describe('anomaly scorer process', () => {
  let brokers: string;
  let kafka: Kafka;
  let producer: Producer;
  const running: ScorerProcess[] = [];

  beforeAll(async () => {
    ({
      kafka: { brokers },
    } = await useTestEnv('kafka'));
    kafka = new Kafka({ clientId: 'scorer-test', brokers: [brokers], logLevel: logLevel.NOTHING });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((scorer) => scorer.kill('SIGKILL')));
  });
  afterAll(async () => {
    await producer?.disconnect();
  });

  /** Fresh raw-logs and anomaly-events topics (3 partitions each) and the scorer's environment for them. */
  async function topics(extra: Record<string, string> = {}) {
    const input = uniqueName('raw-logs');
    const output = uniqueName('anomaly-events');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [input, output].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    await admin.disconnect();
    const env = { KAFKA_BROKERS: brokers, INPUT_TOPIC: input, OUTPUT_TOPIC: output, GROUP_ID: uniqueName('scorer'), ...extra };
    return { input, output, env };
  }

  async function start(env: Record<string, string>): Promise<ScorerProcess> {
    const scorer = await startScorer(env);
    running.push(scorer);
    await scorer.waitHealth('ok', (_, ok) => ok, 60_000);
    return scorer;
  }

  let sent = 0;
  /** Produces logs as Vector writes them (JSON, keyed by service). */
  async function send(topic: string, logs: Array<Record<string, unknown>>): Promise<void> {
    await producer.send({ topic, acks: -1, messages: logs.map((log) => ({ key: String(log.service), value: JSON.stringify(log) })) });
    sent += logs.length;
  }
  const log = (service: string, level: string, at: number, extra: Record<string, unknown> = {}) => ({
    message: level === 'ERROR' ? 'Payment failed: timeout' : 'Request served',
    level,
    service,
    timestamp: new Date(at).toISOString(),
    ...extra,
  });

  /** Waits until the scorer has scored every window up to `at` and Kafka has acknowledged what it produced. */
  const scoredPast = (scorer: ScorerProcess, at: number) =>
    scorer.waitHealth(
      `windows scored past ${new Date(at).toISOString()}`,
      (health) => health.scoredThrough !== null && Date.parse(health.scoredThrough) > at && health.pending === 0,
      60_000,
    );

  it('steady traffic (2 minutes, 10 % errors) gives no anomaly', async () => {
    const { input, output, env } = await topics();
    sent = 0;
    const now = Date.now();
    const logs = [];
    for (let t = now - 120_000; t < now; t += 100) logs.push(log('checkout', (t - now) % 1000 === 0 ? 'ERROR' : 'INFO', t));
    await send(input, logs);
    const scorer = await start(env);
    const health = await scoredPast(scorer, now + WINDOW_MS);
    expect(health.consumed).toBe(logs.length);
    expect(health.produced).toBe(0);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(output);
    await admin.disconnect();
    expect(offsets.reduce((sum, { high }) => sum + Number(high), 0)).toBe(0);
  });

  it('a first error burst on a fresh scorer gives exactly one anomaly within 15 s', async () => {
    const { input, output, env } = await topics();
    const reader = await readAnomalies(brokers, output);
    try {
      const scorer = await start(env);
      const burstAt = Date.now();
      await send(input, [
        ...Array.from({ length: 2 }, () => log('payment-api', 'INFO', burstAt)),
        ...Array.from({ length: 10 }, (_, i) => log('payment-api', 'ERROR', burstAt, { trace_id: `trace-${i}` })),
      ]);
      await reader.waitFor('anomaly', (events) => events.length > 0, 15_000);
      expect(Date.now() - burstAt).toBeLessThanOrEqual(15_000);
      // The burst has left the window: whatever the scorer was going to say about it, it has said.
      await scoredPast(scorer, burstAt + WINDOW_MS);
      await reader.waitFor('every produced event', (events) => events.length >= 1, 5_000);
      expect(reader.events).toHaveLength(1);
      const [open] = reader.events;
      expect(open).toMatchObject({
        service: 'payment-api',
        status: 'open',
        synthetic: false,
        evidence: { counts: { events: 12, errors: 10 }, baseline: { windows: 0 }, samples: ['Payment failed: timeout'] },
      });
      expect(open!.evidence!.trace_ids).toHaveLength(10);
      expect(open!.incident_key).toMatch(/^payment-api\//);
      expect((await scorer.health()).body.openIncidents).toBe(1);
      const metrics = await (await fetch(`http://127.0.0.1:${scorer.port}/metrics`)).text();
      expect(metrics).toMatch(/^scorer_anomalies_produced_total\{severity="\w+",status="open"\} 1$/m);
      expect(metrics).toMatch(/^scorer_events_consumed_total 12$/m);
    } finally {
      await reader.stop();
    }
  });

  it.each([
    ['the default thresholds', {}, 'high'],
    ['configured thresholds', { SEVERITY_THRESHOLDS: 'low:0.5,medium:0.55,high:0.6,critical:0.7' }, 'critical'],
  ] as const)('a burst against a 5-minute baseline gives one anomaly whose severity follows %s', async (_, thresholds, severity) => {
    const { input, output, env } = await topics(thresholds);
    const reader = await readAnomalies(brokers, output);
    try {
      // Five minutes of quiet history (10 infos a second), already in raw-logs when the scorer starts:
      // it rebuilds the baseline from them by timestamp.
      const burstAt = Date.now();
      const history = [];
      for (let t = burstAt - 5 * 60_000; t < burstAt; t += 100) history.push(log('orders', 'INFO', t));
      await send(input, history);
      const scorer = await start(env);
      // 12 errors among 10 infos: z = 12 against a median-0 baseline (MAD at its Poisson floor), score 12 / 15.5 ≈ 0.77.
      await send(input, [
        ...Array.from({ length: 10 }, () => log('orders', 'INFO', burstAt)),
        ...Array.from({ length: 12 }, () => log('orders', 'ERROR', burstAt)),
      ]);
      await scoredPast(scorer, burstAt + WINDOW_MS);
      await reader.waitFor('the anomaly', (events) => events.length >= 1, 5_000);
      expect(reader.events).toHaveLength(1);
      expect(reader.events[0]).toMatchObject({
        service: 'orders',
        status: 'open',
        severity,
        score: 0.774,
        evidence: { counts: { errors: 12 }, baseline: { median: 0, mad: 0 } },
      });
      expect(reader.events[0]!.evidence!.baseline.windows).toBeGreaterThanOrEqual(6);
    } finally {
      await reader.stop();
    }
  });

  it('killed mid-burst and restarted, it keeps the one incident: no second open, nothing lost, closed once', async () => {
    const { input, output, env } = await topics({ QUIET_MS: '8000', UPDATE_INTERVAL_MS: '2000', KAFKA_SESSION_TIMEOUT_MS: '6000' });
    const reader = await readAnomalies(brokers, output);
    sent = 0;
    let burst: NodeJS.Timeout | undefined;
    try {
      const first = await start(env);
      // The burst: every 200 ms one error and one info of inventory, until stopped.
      let n = 0;
      let sending = Promise.resolve();
      burst = setInterval(() => {
        const at = Date.now();
        sending = sending.then(() => send(input, [log('inventory', 'ERROR', at, { trace_id: `b-${n++}` }), log('inventory', 'INFO', at)]));
      }, 200);
      await reader.waitFor('open', (events) => events.some((e) => e.status === 'open'), 15_000);
      await first.kill('SIGKILL');
      const killedAt = Date.now();

      const second = await start(env);
      // Let the restarted scorer score some of the burst live, then end it.
      await scoredPast(second, Date.now() + 3_000);
      clearInterval(burst);
      await sending;
      const burstEnd = Date.now();
      await reader.waitFor('closed', (events) => events.some((e) => e.status === 'closed'), 60_000);
      const health = await second.waitHealth('every record consumed', (h) => h.consumed >= sent, 30_000);
      // Nothing lost (or counted twice): the restarted scorer replayed every record of the burst.
      expect(health.consumed).toBe(sent);
      expect(health.openIncidents).toBe(0);

      const statuses = reader.events.map((e) => e.status);
      expect(statuses.filter((s) => s === 'open')).toHaveLength(1);
      expect(statuses.at(-1)).toBe('closed');
      expect(statuses.slice(1, -1).every((s) => s === 'update')).toBe(true);
      expect(new Set(reader.events.map((e) => e.incident_key)).size).toBe(1);
      // The restarted scorer published the rest of the incident (at least its close), after the burst.
      const closed = reader.events.at(-1)!;
      expect(Date.parse(closed.evidence!.window.end)).toBeGreaterThan(killedAt);
      expect(Date.parse(closed.evidence!.window.end)).toBeGreaterThanOrEqual(burstEnd);
    } finally {
      clearInterval(burst);
      await reader.stop();
    }
  });
});
