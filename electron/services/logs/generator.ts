// The log generator: makes events on a profile's schedule, batches them (JSON array or NDJSON), and
// POSTs them over keep-alive connections with bounded concurrency. Exact accounting, at every moment:
//
//   generated = sent                 (an event is made only when a request slot takes it)
//   sent      = accepted + failed + inFlight
//
// A batch that fails with 5xx/429/a connection error is retried with exponential backoff, holding
// its slot (so a down endpoint slows the generator instead of piling events up); after maxAttempts,
// or when stopped, its events count as failed under the last reason. Nothing is dropped silently.
import { randomBytes } from 'node:crypto';
import type { GeneratorSpec, GeneratorState, GeneratorStatus, RatePoint } from '#contract/logs.js';
import { type EventFactory, eventFactory } from './events.js';
import { batchSizeFor, dueAt, expectedTotal, rateAt } from './schedule.js';
import type { PostOutcome, VectorClient } from './vector-client.js';

export interface GeneratorDeps {
  client: Pick<VectorClient, 'post'>;
  url: string;
  onStatus?(status: GeneratorStatus): void;
  /** How often status is pushed and a chart point taken. */
  sampleMs?: number;
  random?: () => number;
}

const TICK_MS = 5;
const LINGER_MS = 10;
const MAX_POINTS = 600;
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 5_000;

interface Batch {
  first: number;
  count: number;
  body: string;
  attempts: number;
}

export class Generator {
  readonly id: string;
  readonly spec: GeneratorSpec;
  readonly #deps: GeneratorDeps;
  readonly #factory: EventFactory;
  readonly #batchSize: number;
  readonly #expected: number;
  readonly #sampleMs: number;

  #state: GeneratorState = 'running';
  #startedAt = 0;
  #t0 = 0;
  #endedAt: number | null = null;
  #generated = 0;
  #sent = 0;
  #accepted = 0;
  #failed = 0;
  #failedByReason: Record<string, number> = {};
  #retried = 0;
  #inFlight = 0;
  #slots = 0;
  #bytes = 0;
  #requests = 0;
  #lastError: GeneratorStatus['lastError'] = null;
  #points: RatePoint[] = [];
  #lastSample = { t: 0, accepted: 0, failed: 0, retried: 0 };
  #lastFlush = 0;
  #tick: NodeJS.Timeout | null = null;
  #sampler: NodeJS.Timeout | null = null;
  readonly #waiting = new Map<NodeJS.Timeout, { batch: Batch; reason: string }>();
  readonly #abort = new AbortController();
  #resolveDone!: (status: GeneratorStatus) => void;
  /** Resolves with the final status when the run has ended (done, stopped or failed). */
  readonly done: Promise<GeneratorStatus>;

  constructor(spec: GeneratorSpec, deps: GeneratorDeps, id = randomBytes(6).toString('hex')) {
    this.id = id;
    this.spec = spec;
    this.#deps = deps;
    this.#factory = eventFactory(spec, id, deps.random);
    this.#batchSize = batchSizeFor(spec);
    this.#expected = expectedTotal(spec);
    this.#sampleMs = deps.sampleMs ?? 500;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  get active(): boolean {
    return this.#state === 'running' || this.#state === 'stopping';
  }

  start(): GeneratorStatus {
    this.#startedAt = Date.now();
    this.#t0 = performance.now();
    this.#sampler = setInterval(() => this.#sample(), this.#sampleMs);
    this.#pump();
    return this.status();
  }

  /** Stops making events, gives up batches waiting to retry (failed: stopped), and waits for requests in flight. */
  async stop(): Promise<GeneratorStatus> {
    if (this.#state === 'running') {
      this.#state = 'stopping';
      for (const [timer, { batch }] of this.#waiting) {
        clearTimeout(timer);
        this.#give(batch, 'stopped', 'stopped before the retry');
      }
      this.#waiting.clear();
      this.#maybeFinish();
      this.#emit();
    }
    return this.done;
  }

  #elapsed(): number {
    return performance.now() - this.#t0;
  }

  /** Makes the events that are due, while request slots are free. */
  #pump(): void {
    if (this.#tick) {
      clearTimeout(this.#tick);
      this.#tick = null;
    }
    if (this.#state !== 'running') return;
    const t = this.#elapsed();
    const due = Math.min(this.#expected, Math.floor(dueAt(this.spec, t) + 1e-9));
    // Behind schedule with every slot busy (a slow endpoint): catch up with larger batches rather
    // than more requests, up to 20× the usual size (auto size only; a given size is kept).
    const limit =
      this.spec.batchSize === null && due - this.#generated > this.#batchSize * this.spec.maxInFlight
        ? Math.min(5_000, this.#batchSize * 20)
        : this.#batchSize;
    while (this.#generated < due && this.#slots < this.spec.maxInFlight) {
      // A partial batch waits up to LINGER_MS for more events (as Vector's sinks batch by size or
      // timeout), except at the end of the run.
      if (due - this.#generated < this.#batchSize && due < this.#expected && t - this.#lastFlush < LINGER_MS) break;
      const count = Math.min(limit, due - this.#generated);
      this.#lastFlush = t;
      this.#dispatch(this.#makeBatch(count, t));
    }
    if (this.#generated >= this.#expected) {
      this.#maybeFinish();
      return;
    }
    this.#tick = setTimeout(() => this.#pump(), TICK_MS);
  }

  #makeBatch(count: number, t: number): Batch {
    const first = this.#generated;
    const now = this.#startedAt + t;
    const lines = new Array<string>(count);
    for (let i = 0; i < count; i++) lines[i] = JSON.stringify(this.#factory.make(first + i, t, now));
    this.#generated += count;
    this.#sent += count;
    const body = this.spec.format === 'ndjson' ? lines.join('\n') + '\n' : `[${lines.join(',')}]`;
    return { first, count, body, attempts: 0 };
  }

  #dispatch(batch: Batch): void {
    if (batch.attempts === 0) this.#slots++;
    else this.#retried += batch.count;
    batch.attempts++;
    this.#inFlight += batch.count;
    this.#requests++;
    this.#bytes += Buffer.byteLength(batch.body);
    void this.#deps.client
      .post(batch.body, this.spec.format, { timeoutMs: this.spec.timeoutMs, signal: this.#abort.signal })
      .then((outcome) => this.#settle(batch, outcome));
  }

  #settle(batch: Batch, outcome: PostOutcome): void {
    this.#inFlight -= batch.count;
    if (outcome.ok) {
      this.#accepted += batch.count;
      this.#release();
      return;
    }
    this.#lastError = { reason: outcome.reason, message: outcome.message, at: Date.now() };
    if (outcome.retryable && batch.attempts < this.spec.maxAttempts && this.#state === 'running') {
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (batch.attempts - 1)) * (0.75 + Math.random() * 0.5);
      // Held as in flight while it waits: sent = accepted + failed + inFlight stays exact.
      this.#inFlight += batch.count;
      const timer = setTimeout(() => {
        this.#waiting.delete(timer);
        this.#inFlight -= batch.count;
        this.#dispatch(batch);
      }, delay);
      this.#waiting.set(timer, { batch, reason: outcome.reason });
      return;
    }
    this.#give(batch, outcome.reason, outcome.message, false);
  }

  /** Counts a batch as failed; `held` when it was waiting to retry (its events are in inFlight). */
  #give(batch: Batch, reason: string, message: string, held = true): void {
    if (held) this.#inFlight -= batch.count;
    this.#failed += batch.count;
    this.#failedByReason[reason] = (this.#failedByReason[reason] ?? 0) + batch.count;
    if (reason === 'stopped') this.#lastError ??= { reason, message, at: Date.now() };
    this.#release();
  }

  #release(): void {
    this.#slots--;
    if (this.#state === 'running') this.#pump();
    else this.#maybeFinish();
  }

  #maybeFinish(): void {
    if (this.#slots > 0 || !this.active) return;
    if (this.#state === 'running' && this.#generated < this.#expected) return;
    this.#state = this.#state === 'stopping' ? 'stopped' : this.#accepted === 0 && this.#failed > 0 ? 'failed' : 'done';
    this.#endedAt = Date.now();
    if (this.#tick) clearTimeout(this.#tick);
    if (this.#sampler) clearInterval(this.#sampler);
    this.#sample(true);
    const status = this.status();
    this.#deps.onStatus?.(status);
    this.#resolveDone(status);
  }

  #sample(final = false): void {
    const t = this.#elapsed();
    const dt = (t - this.#lastSample.t) / 1000;
    if (dt <= 0.05 && !final) return;
    if (dt > 0) {
      this.#points.push({
        t: Math.round(t),
        target: Math.round(rateAt(this.spec, Math.min(t, this.spec.durationS * 1000 - 1))),
        accepted: Math.round((this.#accepted - this.#lastSample.accepted) / dt),
        failed: Math.round((this.#failed - this.#lastSample.failed) / dt),
        retried: Math.round((this.#retried - this.#lastSample.retried) / dt),
      });
      if (this.#points.length > MAX_POINTS) this.#points.splice(0, this.#points.length - MAX_POINTS);
    }
    this.#lastSample = { t, accepted: this.#accepted, failed: this.#failed, retried: this.#retried };
    if (!final) this.#emit();
  }

  #emit(): void {
    this.#deps.onStatus?.(this.status());
  }

  status(): GeneratorStatus {
    const elapsedMs = Math.round(this.#endedAt !== null ? this.#endedAt - this.#startedAt : this.#elapsed());
    return {
      id: this.id,
      state: this.#state,
      url: this.#deps.url,
      spec: this.spec,
      startedAt: this.#startedAt,
      endedAt: this.#endedAt,
      elapsedMs,
      expected: this.#expected,
      generated: this.#generated,
      sent: this.#sent,
      accepted: this.#accepted,
      failed: this.#failed,
      failedByReason: { ...this.#failedByReason },
      retried: this.#retried,
      inFlight: this.#inFlight,
      bytes: this.#bytes,
      requests: this.#requests,
      acceptedRate: elapsedMs > 0 ? Math.round((this.#accepted / elapsedMs) * 1000) : 0,
      points: [...this.#points],
      lastError: this.#lastError,
    };
  }
}
