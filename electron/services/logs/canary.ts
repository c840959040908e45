// The canary: a low-rate, continuous trace (like Grafana's loki-canary, for this pipeline). Every
// interval it sends one numbered log to Vector; one Kafka tail on raw-logs and an OpenSearch poll
// look for the run's logs. Per hop it reports delivered, missing (not seen within the deadline),
// duplicated (seen twice), out of order (seen after a later one), pending, and latency percentiles;
// from those, one health value for the status bar. One cohesive state machine (started → sending
// and polling per hop → stopped), kept in one file.
import { randomBytes } from 'node:crypto';
import { AppError, toErrorPayload } from '#contract/errors.js';
import { formatAgo, formatDuration } from '#contract/format.js';
import { type CanaryHealth, type CanaryHopStats, type CanaryStatus, type Hop, RAW_LOGS_TOPIC, TRACE_FIELD } from '#contract/logs.js';
import type { KafkaMessage } from '#contract/kafka.js';
import type { Endpoint } from '#contract/search.js';
import type { Watch } from './pipeline.js';
import type { TraceDeps } from './trace.js';
import { parseValue } from './trace.js';

export const CANARY_FIELD = 'logclaw_canary';
const HOPS: Hop[] = ['vector', 'kafka', 'opensearch'];
const LATENCY_SAMPLES = 1_000;
const MAX_RECORDS = 20_000;

export interface CanaryDeps extends Omit<TraceDeps, 'searchDocs' | 'onProgress' | 'pollMs'> {
  searchDocs(options: {
    index: string;
    field: string;
    value: string;
    endpoint?: Endpoint;
    size?: number;
    extra?: unknown[];
  }): Promise<Array<{ index: string; id: string; source: Record<string, unknown> }>>;
  onStatus(status: CanaryStatus): void;
  now?: () => number;
}

export interface CanaryOptions {
  vectorUrl?: string;
  opensearch?: Endpoint;
  index: string;
  intervalMs: number;
  deadlineMs: number;
}

interface Seen {
  count: number;
  latencyMs: number | null;
}

interface Rec {
  seq: number;
  sentAt: number;
  vector: 'pending' | 'ok' | 'failed';
  vectorLatency: number | null;
  kafka: Seen;
  osIds: Set<string>;
  osLatency: number | null;
}

interface HopCounters {
  outOfOrder: number;
  maxSeq: number;
  latencies: number[];
}

export class Canary {
  readonly #deps: CanaryDeps;
  #options: CanaryOptions | null = null;
  #state: CanaryStatus['state'] = 'stopped';
  #runId: string | null = null;
  #startedAt: number | null = null;
  #seq = 0;
  #records = new Map<number, Rec>();
  /** Totals of records pruned from memory (long runs). */
  #archived = Object.fromEntries(HOPS.map((hop) => [hop, { delivered: 0, missing: 0, duplicated: 0 }])) as Record<
    Hop,
    { delivered: number; missing: number; duplicated: number }
  >;
  #counters = Object.fromEntries(HOPS.map((hop): [Hop, HopCounters] => [hop, { outOfOrder: 0, maxSeq: -1, latencies: [] }])) as Record<
    Hop,
    HopCounters
  >;
  #errors: CanaryStatus['errors'] = [];
  #timers: NodeJS.Timeout[] = [];
  #watch: Watch | null = null;
  #watching: Promise<void> | null = null;
  #url: string | null = null;
  #emitTimer: NodeJS.Timeout | null = null;
  #polling = false;

  constructor(deps: CanaryDeps) {
    this.#deps = deps;
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }

  get running(): boolean {
    return this.#state !== 'stopped';
  }

  async start(options: CanaryOptions): Promise<CanaryStatus> {
    if (this.running) await this.stop();
    this.#options = options;
    this.#state = 'starting';
    this.#runId = `lcc${randomBytes(6).toString('hex')}`;
    this.#startedAt = this.#now();
    this.#seq = 0;
    this.#records = new Map();
    for (const hop of HOPS) {
      this.#archived[hop] = { delivered: 0, missing: 0, duplicated: 0 };
      this.#counters[hop] = { outOfOrder: 0, maxSeq: -1, latencies: [] };
    }
    this.#errors = [];
    this.#url = null;
    try {
      this.#url = (await this.#deps.resolveVector(options.vectorUrl)).url;
    } catch (error) {
      this.#error('vector', error);
    }
    this.#watching = this.#startWatch();
    await this.#watching;
    this.#state = 'running';
    this.#timers.push(setInterval(() => void this.#send(), options.intervalMs));
    this.#timers.push(setInterval(() => void this.#poll(), Math.max(1_000, Math.min(options.intervalMs, 5_000))));
    this.#timers.push(setInterval(() => this.#emitSoon(), 1_000));
    void this.#send();
    return this.status();
  }

  async stop(): Promise<CanaryStatus> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#state = 'stopped';
    await this.#watching?.catch(() => undefined);
    const watch = this.#watch;
    this.#watch = null;
    await watch?.stop();
    const status = this.status();
    this.#deps.onStatus(status);
    return status;
  }

  #error(hop: Hop, error: unknown): void {
    const payload = toErrorPayload(error);
    this.#errors = [
      ...this.#errors.filter((e) => e.hop !== hop),
      { hop, code: payload.code, message: payload.message, ...(payload.hint ? { hint: payload.hint } : {}), at: this.#now() },
    ];
    this.#emitSoon();
  }

  #clearError(hop: Hop): void {
    if (this.#errors.some((e) => e.hop === hop)) this.#errors = this.#errors.filter((e) => e.hop !== hop);
  }

  async #startWatch(): Promise<void> {
    const runId = this.#runId!;
    try {
      this.#watch = await this.#deps.watchKafka({
        topic: RAW_LOGS_TOPIC,
        fromMs: this.#startedAt! - 2_000,
        text: runId,
        onMessages: (messages, receivedAt) => this.#onKafka(messages, receivedAt),
        onEnd: (status) => {
          this.#watch = null;
          this.#error(
            'kafka',
            new AppError('KAFKA_UNREACHABLE', `the tail on ${RAW_LOGS_TOPIC} ended: ${status.error?.message ?? status.reason}`),
          );
          this.#retryWatch();
        },
      });
      this.#clearError('kafka');
    } catch (error) {
      this.#error('kafka', error);
      this.#retryWatch();
    }
  }

  #retryWatch(): void {
    if (!this.running) return;
    const timer = setTimeout(() => {
      if (this.running && !this.#watch) this.#watching = this.#startWatch();
    }, 10_000);
    timer.unref();
  }

  async #send(): Promise<void> {
    const options = this.#options!;
    const runId = this.#runId!;
    if (!this.#url) {
      try {
        this.#url = (await this.#deps.resolveVector(options.vectorUrl)).url;
      } catch (error) {
        this.#error('vector', error);
      }
    }
    const seq = this.#seq++;
    const sentAt = this.#now();
    const rec: Rec = {
      seq,
      sentAt,
      vector: 'pending',
      vectorLatency: null,
      kafka: { count: 0, latencyMs: null },
      osIds: new Set(),
      osLatency: null,
    };
    this.#records.set(seq, rec);
    this.#prune();
    if (!this.#url) {
      rec.vector = 'failed';
      return;
    }
    const body = JSON.stringify({
      message: `LogClaw canary ${runId} #${seq}`,
      level: 'INFO',
      service: 'logclaw-canary',
      [CANARY_FIELD]: runId,
      [TRACE_FIELD]: `${runId}-${seq}`,
      seq,
      timestamp: new Date(sentAt).toISOString(),
    });
    const outcome = await this.#deps.post(this.#url, body);
    if (outcome.ok) {
      rec.vector = 'ok';
      rec.vectorLatency = outcome.latencyMs;
      this.#sample('vector', outcome.latencyMs);
      this.#clearError('vector');
    } else {
      rec.vector = 'failed';
      this.#error(
        'vector',
        new AppError(outcome.status === null ? 'VECTOR_UNREACHABLE' : 'VECTOR_FAILED', `${this.#url}: ${outcome.message}`),
      );
      // A forward may have moved: resolve again next time.
      if (outcome.status === null && !options.vectorUrl) this.#url = null;
    }
    this.#emitSoon();
  }

  #onKafka(messages: KafkaMessage[], receivedAt: number): void {
    for (const message of messages) {
      const value = parseValue(message.value);
      if (!value || value[CANARY_FIELD] !== this.#runId || typeof value.seq !== 'number') continue;
      const rec = this.#records.get(value.seq);
      if (!rec) continue;
      rec.kafka.count++;
      if (rec.kafka.count === 1) {
        const byRecord = message.timestamp - rec.sentAt;
        rec.kafka.latencyMs = byRecord >= 0 && byRecord <= receivedAt - rec.sentAt + 1_000 ? byRecord : receivedAt - rec.sentAt;
        this.#sample('kafka', rec.kafka.latencyMs);
        this.#order('kafka', rec.seq);
      }
    }
    this.#emitSoon();
  }

  async #poll(): Promise<void> {
    if (this.#polling || !this.running) return;
    this.#polling = true;
    const options = this.#options!;
    try {
      const now = this.#now();
      // Older logs are final; look only at those still inside the deadline (and a margin for duplicates).
      const open = [...this.#records.values()].filter((rec) => rec.vector === 'ok' && now - rec.sentAt <= options.deadlineMs * 2);
      if (open.length === 0) return;
      const from = Math.min(...open.map((rec) => rec.seq));
      const docs = await this.#deps.searchDocs({
        index: options.index,
        field: CANARY_FIELD,
        value: this.#runId!,
        endpoint: options.opensearch,
        size: 1_000,
        extra: [{ range: { seq: { gte: from } } }],
      });
      const seenAt = this.#now();
      const fresh = docs
        .map((doc) => ({ doc, rec: typeof doc.source.seq === 'number' ? this.#records.get(doc.source.seq) : undefined }))
        .filter((entry): entry is { doc: (typeof docs)[number]; rec: Rec } => entry.rec !== undefined && !entry.rec.osIds.has(entry.doc.id))
        .sort((a, b) => a.rec.seq - b.rec.seq);
      for (const { doc, rec } of fresh) {
        rec.osIds.add(doc.id);
        if (rec.osIds.size === 1) {
          rec.osLatency = seenAt - rec.sentAt;
          this.#sample('opensearch', rec.osLatency);
          this.#order('opensearch', rec.seq);
        }
      }
      this.#clearError('opensearch');
    } catch (error) {
      this.#error('opensearch', error);
    } finally {
      this.#polling = false;
      this.#emitSoon();
    }
  }

  #sample(hop: Hop, latencyMs: number): void {
    const list = this.#counters[hop].latencies;
    list.push(latencyMs);
    if (list.length > LATENCY_SAMPLES) list.shift();
  }

  #order(hop: Hop, seq: number): void {
    const counters = this.#counters[hop];
    if (seq < counters.maxSeq) counters.outOfOrder++;
    counters.maxSeq = Math.max(counters.maxSeq, seq);
  }

  /** Keeps memory bounded on long runs: the oldest final records become totals. */
  #prune(): void {
    if (this.#records.size <= MAX_RECORDS) return;
    const deadline = this.#options!.deadlineMs;
    const now = this.#now();
    for (const rec of this.#records.values()) {
      if (this.#records.size <= MAX_RECORDS * 0.9 || now - rec.sentAt < deadline * 2) break;
      for (const hop of HOPS) {
        const s = this.#hopOf(rec, hop, now, deadline);
        const totals = this.#archived[hop];
        if (s === 'delivered' || s === 'duplicated') totals.delivered++;
        if (s === 'duplicated') totals.duplicated++;
        if (s === 'missing') totals.missing++;
      }
      this.#records.delete(rec.seq);
    }
  }

  #hopOf(rec: Rec, hop: Hop, now: number, deadline: number): 'delivered' | 'duplicated' | 'missing' | 'pending' | 'none' {
    if (hop === 'vector') return rec.vector === 'ok' ? 'delivered' : rec.vector === 'failed' ? 'missing' : 'pending';
    if (rec.vector !== 'ok') return 'none';
    const count = hop === 'kafka' ? rec.kafka.count : rec.osIds.size;
    if (count > 1) return 'duplicated';
    if (count === 1) return 'delivered';
    return now - rec.sentAt > deadline ? 'missing' : 'pending';
  }

  #emitSoon(): void {
    if (this.#emitTimer || this.#state === 'stopped') return;
    this.#emitTimer = setTimeout(() => {
      this.#emitTimer = null;
      if (this.#state !== 'stopped') this.#deps.onStatus(this.status());
    }, 200);
  }

  status(): CanaryStatus {
    const now = this.#now();
    const options = this.#options;
    const deadline = options?.deadlineMs ?? 30_000;
    const hops: CanaryHopStats[] = HOPS.map((hop) => {
      const stats = { ...this.#archived[hop], pending: 0 };
      for (const rec of this.#records.values()) {
        const s = this.#hopOf(rec, hop, now, deadline);
        if (s === 'delivered' || s === 'duplicated') stats.delivered++;
        if (s === 'duplicated') stats.duplicated++;
        if (s === 'missing') stats.missing++;
        if (s === 'pending') stats.pending++;
      }
      const sorted = [...this.#counters[hop].latencies].sort((a, b) => a - b);
      const pct = (p: number) =>
        sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!) : null;
      return {
        hop,
        ...stats,
        outOfOrder: this.#counters[hop].outOfOrder,
        p50: pct(50),
        p95: pct(95),
        p99: pct(99),
        max: sorted.length ? Math.round(sorted[sorted.length - 1]!) : null,
      };
    });
    const { health, reason } = this.#health(hops, now, deadline);
    return {
      state: this.#state,
      runId: this.#runId,
      startedAt: this.#startedAt,
      intervalMs: options?.intervalMs ?? 2_000,
      deadlineMs: deadline,
      sent: this.#seq,
      health,
      healthReason: reason,
      hops,
      errors: [...this.#errors],
      updatedAt: now,
    };
  }

  #health(hops: CanaryHopStats[], now: number, deadline: number): { health: CanaryHealth; reason: string } {
    if (this.#state === 'stopped') return { health: 'idle', reason: this.#runId ? 'the canary is stopped' : 'the canary is not running' };
    if (this.#errors.length) {
      const first = this.#errors[0]!;
      return { health: 'fail', reason: `${first.hop}: ${first.message}` };
    }
    const recent = [...this.#records.values()].filter((rec) => now - rec.sentAt <= Math.max(60_000, deadline * 2));
    const lastFailures = [...this.#records.values()].slice(-3);
    if (lastFailures.length === 3 && lastFailures.every((rec) => rec.vector === 'failed'))
      return { health: 'fail', reason: 'vector: the last 3 canary logs were refused' };
    for (const hop of ['kafka', 'opensearch'] as const) {
      const missing = recent.filter((rec) => this.#hopOf(rec, hop, now, deadline) === 'missing').length;
      if (missing > 0)
        return {
          health: missing >= 3 ? 'fail' : 'warn',
          reason: `${hop}: ${missing} canary log${missing > 1 ? 's' : ''} missing in the last minute`,
        };
    }
    const bad = hops.find((h) => h.duplicated > 0 || h.outOfOrder > 0);
    if (bad) return { health: 'warn', reason: `${bad.hop}: ${bad.duplicated} duplicated, ${bad.outOfOrder} out of order` };
    // Green only with a fresh positive signal: a log that went all the way, recently.
    const lastThrough = [...this.#records.values()].reverse().find((rec) => rec.kafka.count > 0 && rec.osIds.size > 0);
    if (!lastThrough) return { health: 'warn', reason: 'waiting for the first canary log to go all the way' };
    const age = now - lastThrough.sentAt;
    if (age > deadline + 2 * (this.#options?.intervalMs ?? 2_000))
      return { health: 'warn', reason: `no canary log has gone all the way for ${formatDuration(age)}` };
    const kafka = hops.find((h) => h.hop === 'kafka')!;
    return { health: 'ok', reason: `all hops delivering; Kafka p95 ${kafka.p95 ?? '–'} ms, last log through ${formatAgo(age)}` };
  }
}
