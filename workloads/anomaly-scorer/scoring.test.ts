import { describe, expect, it } from 'vitest';
import { type AnomalyEvent, AnomalyEvent as AnomalyEventSchema } from '#contract/logs.js';
import { type LogRecord, parseLogRecord } from './log-event.js';
import { DEFAULT_CONFIG, Scorer, type ScorerConfig } from './scoring.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** A scorer on a hand-driven clock, fed records, scoring as the clock advances second by second. */
function harness(config: Partial<ScorerConfig> = {}) {
  let now = T0;
  const scorer = new Scorer({ ...DEFAULT_CONFIG, ...config }, () => now);
  scorer.start(T0);
  const events: AnomalyEvent[] = [];
  return {
    scorer,
    events,
    /** Per second from `from` to `to` (ms after T0), `make(second)` records; the clock follows, scoring each second. */
    run(from: number, to: number, make: (second: number) => Array<Partial<LogRecord>>) {
      for (let t = from; t < to; t += 1000) {
        now = T0 + t;
        for (const [i, record] of make(t / 1000).entries())
          scorer.add({ service: 'payment-api', at: T0 + t + i, error: false, message: 'ok', traceId: null, synthetic: false, ...record });
        events.push(...scorer.evaluate());
      }
      now = T0 + to;
      events.push(...scorer.evaluate());
    },
  };
}

const info = (n: number) => Array.from({ length: n }, () => ({}));
const errors = (n: number, extra: Partial<LogRecord> = {}) =>
  Array.from({ length: n }, (_, i) => ({ error: true, message: `Payment failed: timeout #${i % 7}`, traceId: `t-${i}`, ...extra }));
const statuses = (events: AnomalyEvent[]) => events.map((event) => event.status);

describe('anomaly scoring', () => {
  it('steady traffic, with or without a steady error rate, gives nothing', () => {
    const h = harness();
    // 20 events/s, 1–2 errors/s (7.5 %): over the floor's count but not its ratio while cold, at the median once warm.
    h.run(0, 15 * 60_000, (s) => [...info(18), ...errors(1 + (s % 2))]);
    expect(h.events).toEqual([]);
    expect(h.scorer.snapshot().services).toBe(1);
  });

  it('a first burst on a fresh scorer opens exactly one incident by the floor rule, within 15 s', () => {
    const h = harness();
    h.run(0, 30_000, (s) => (s >= 5 && s < 8 ? [...info(2), ...errors(3)] : s < 5 ? info(2) : []));
    expect(statuses(h.events)).toEqual(['open']);
    const [open] = h.events;
    expect(AnomalyEventSchema.parse(open)).toEqual(open);
    expect(Date.parse(open!.timestamp!) - (T0 + 5_000)).toBeLessThanOrEqual(15_000);
    expect(open).toMatchObject({
      service: 'payment-api',
      incident_key: `payment-api/${open!.evidence!.window.end}`,
      synthetic: false,
      evidence: { baseline: { windows: 0 }, counts: { errors: 6 } },
    });
    expect(open!.evidence!.samples.length).toBeLessThanOrEqual(5);
    expect(open!.evidence!.trace_ids).toEqual(['t-0', 't-1', 't-2']);
    expect(open!.message).toMatch(/cold start/);
  });

  it('below the floor (too few errors, or too small a share) a fresh service gives nothing', () => {
    const few = harness();
    few.run(0, 30_000, (s) => (s === 5 ? errors(4) : []));
    expect(few.events).toEqual([]);
    const diluted = harness();
    diluted.run(0, 30_000, (s) => (s === 5 ? [...info(40), ...errors(8)] : info(3)));
    expect(diluted.events).toEqual([]);
  });

  it.each([
    [6, 'medium'],
    [12, 'high'],
    [40, 'critical'],
  ] as const)('%i errors against a quiet baseline open one incident of severity %s', (count, severity) => {
    const h = harness();
    h.run(0, 5 * 60_000, () => info(10));
    h.run(5 * 60_000, 6 * 60_000, (s) => (s === 300 ? [...info(10), ...errors(count)] : info(10)));
    expect(statuses(h.events)).toEqual(['open']);
    // Baseline median 0, MAD 0 → the Poisson floor 0.6745, so z = errors and score = z / (z + 3.5).
    expect(h.events[0]).toMatchObject({ severity, score: Math.round((count / (count + 3.5)) * 1000) / 1000 });
    expect(h.events[0]!.evidence!.baseline).toEqual({ windows: 29, median: 0, mad: 0 });
  });

  it('severity follows the configured thresholds', () => {
    const h = harness({ severity: { low: 0.5, medium: 0.55, high: 0.6, critical: 0.7 } });
    h.run(0, 5 * 60_000, () => info(10));
    h.run(5 * 60_000, 6 * 60_000, (s) => (s === 300 ? errors(12) : info(10)));
    expect(h.events.map((e) => e.severity)).toEqual(['critical']);
  });

  it('a continuing, growing burst updates the one incident (rate-limited), never opens a second', () => {
    const h = harness({ updateIntervalMs: 30_000 });
    h.run(0, 2 * 60_000, () => info(10));
    // Errors per second grow by one every 20 s for 3 minutes.
    h.run(2 * 60_000, 5 * 60_000, (s) => [...info(10), ...errors(1 + Math.floor((s - 120) / 20))]);
    expect(statuses(h.events).filter((s) => s === 'open')).toHaveLength(1);
    expect(
      statuses(h.events)
        .slice(1)
        .every((s) => s === 'update'),
    ).toBe(true);
    expect(h.events.length).toBeGreaterThan(2);
    expect(new Set(h.events.map((e) => e.incident_key)).size).toBe(1);
    const ends = h.events.map((e) => Date.parse(e.evidence!.window.end));
    for (let i = 1; i < ends.length; i++) expect(ends[i]! - ends[i - 1]!).toBeGreaterThanOrEqual(30_000);
  });

  it('a steady burst does not update without a material change', () => {
    const h = harness({ updateIntervalMs: 5_000 });
    h.run(0, 2 * 60_000, () => info(10));
    // 50 errors in the first second, then 5 a second: every window holds 50 errors, the score stays put.
    h.run(2 * 60_000, 3 * 60_000, (s) => (s === 120 ? [...info(10), ...errors(50)] : [...info(5), ...errors(5)]));
    expect(statuses(h.events)).toEqual(['open']);
  });

  it('closes after the quiet period, once; the next burst is a new incident with a new key', () => {
    const h = harness({ quietMs: 30_000 });
    h.run(0, 60_000, (s) => (s >= 10 && s < 15 ? errors(5) : info(1)));
    h.run(60_000, 4 * 60_000, (s) => (s >= 200 && s < 203 ? errors(10) : info(1)));
    expect(statuses(h.events)).toEqual(['open', 'closed', 'open']);
    const [open, closed, reopened] = h.events;
    expect(closed!.incident_key).toBe(open!.incident_key);
    expect(closed!.severity).toBe(open!.severity);
    expect(Date.parse(closed!.timestamp!) - Date.parse(open!.timestamp!)).toBeGreaterThanOrEqual(30_000);
    expect(reopened!.incident_key).not.toBe(open!.incident_key);
    for (const event of h.events) expect(AnomalyEventSchema.safeParse(event).success).toBe(true);
    expect(h.scorer.snapshot().open).toHaveLength(1);
  });

  it('marks an incident synthetic only while every error behind it came from the app’s tools', () => {
    const synthetic = harness();
    synthetic.run(0, 30_000, (s) => (s === 5 ? errors(8, { synthetic: true }) : []));
    expect(synthetic.events.map((e) => e.synthetic)).toEqual([true]);
    const mixed = harness();
    mixed.run(0, 30_000, (s) => (s === 5 ? [...errors(8, { synthetic: true }), ...errors(1)] : []));
    expect(mixed.events.map((e) => e.synthetic)).toEqual([false]);
  });

  it('rebuilt from the same records after a restart, it recognises the published incident: no second open, nothing lost', () => {
    const burst = (s: number) => (s >= 100 && s < 160 ? [...info(5), ...errors(2 + Math.floor((s - 100) / 10))] : info(5));
    const first = harness({ quietMs: 30_000, updateIntervalMs: 10_000 });
    first.run(0, 130_000, burst);
    expect(statuses(first.events)[0]).toBe('open');
    // Killed at 130 s; the restarted scorer replays raw-logs from the horizon and reads anomaly-events back.
    const second = harness({ quietMs: 30_000, updateIntervalMs: 10_000 });
    second.scorer.adopt(first.events);
    second.run(0, 4 * 60_000, burst);
    expect(statuses(second.events)).not.toContain('open');
    expect(statuses(second.events).at(-1)).toBe('closed');
    expect(new Set([...first.events, ...second.events].map((e) => e.incident_key)).size).toBe(1);
    // The same records give the same decisions: an uninterrupted scorer's events after the kill are the restarted one's.
    const whole = harness({ quietMs: 30_000, updateIntervalMs: 10_000 });
    whole.run(0, 4 * 60_000, burst);
    const killedAt = first.events.at(-1)!.timestamp!;
    expect(second.events).toEqual(whole.events.filter((e) => e.timestamp! > killedAt));
  });
});

describe('raw-logs records', () => {
  const kafka = { key: 'from-key', timestamp: T0 };
  it('reads level and severity fields case-insensitively, the event time, service, trace id and the app’s marks', () => {
    const parse = (event: Record<string, unknown>) => parseLogRecord(JSON.stringify(event), kafka);
    expect(parse({ message: 'Payment failed: timeout', level: 'ERROR', service: 'payment-api' })).toEqual({
      service: 'payment-api',
      at: T0,
      error: true,
      message: 'Payment failed: timeout',
      traceId: null,
      synthetic: false,
    });
    expect(parse({ level: 'fatal' })!.error).toBe(true);
    expect(parse({ severity: 'Critical' })!.error).toBe(true);
    expect(parse({ log: { level: 'error' } })!.error).toBe(true);
    expect(parse({ severity_number: 17 })!.error).toBe(true);
    expect(parse({ level: 'WARN', severity_number: 13 })!.error).toBe(false);
    expect(parse({ timestamp: '2026-01-01T00:00:05.250Z' })!.at).toBe(T0 + 5_250);
    expect(parse({ '@timestamp': '2026-01-01T00:00:01Z' })!.at).toBe(T0 + 1_000);
    expect(parse({ timestamp: 'yesterday' })!.at).toBe(T0);
    expect(parse({})!.service).toBe('from-key');
    expect(parse({ service: { name: 'otel-svc' } })!.service).toBe('otel-svc');
    expect(parse({ trace_id: 'abc' })!.traceId).toBe('abc');
    expect(parse({ trace: { id: 'ecs' } })!.traceId).toBe('ecs');
    expect(parse({ logclaw_run: 'run-1' })!.synthetic).toBe(true);
    expect(parse({ logclaw_canary: 'c' })!.synthetic).toBe(true);
    expect(parse({ logclaw_trace_id: 'x' })).toMatchObject({ synthetic: true, traceId: 'x' });
    expect(parse({ logclaw_synthetic: true })!.synthetic).toBe(true);
    expect(parseLogRecord('not json', kafka)).toBeNull();
    expect(parseLogRecord('[1]', kafka)).toBeNull();
  });
});
