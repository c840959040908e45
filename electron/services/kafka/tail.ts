// One live tail: reads a topic from a chosen position through the Kafka client, filters, and hands
// the receiver (the UI, the CLI, the benchmark) batches of messages — never one event per message.
//
// Memory stays bounded however fast the topic is, by backpressure rather than dropping: at most
// `windowMessages` messages (or `windowBytes`) may be sent and not yet acknowledged (kafka:tailAck).
// When the receiver falls behind, the tail stops fetching (state "waiting") until it catches up; the
// consumer keeps its group session alive meanwhile. Nothing is dropped, so `dropped` stays 0.
//
// Offsets stay continuous across broker restarts: the tail tracks the next offset of every partition
// itself, re-seeks there whenever the consumer (re)joins, and skips anything below it.
//
// One cohesive state machine (running ⇄ waiting/paused → ended/stopped/failed), kept in one file.
import { isUtf8 } from 'node:buffer';
import { AppError, toErrorPayload } from '#contract/errors.js';
import type { KafkaMessage, TailFilter, TailState, TailStatus } from '#contract/kafka.js';
import { FRAME_MESSAGES, type FrameMessage } from '#contract/tail-frame.js';
import { compileFilter, type MessageFilter } from './filter.js';
import type { ConsumerEvent, ConsumerHandle, KafkaClient, RawBatch } from './types.js';

export interface TailRequest {
  tailId: string;
  topic: string;
  from: { kind: 'latest' } | { kind: 'earliest' } | { kind: 'offset'; offset: string } | { kind: 'timestamp'; at: number | string };
  partition?: number;
  filter: TailFilter;
  until: 'follow' | 'end';
  max?: number;
  maxValueBytes: number | null;
  leaseMs: number;
}

export interface TailBatch {
  tailId: string;
  seq: number;
  /** Decoded on first read: the bridge never reads it, it sends the bytes under FRAME_MESSAGES. */
  readonly messages: KafkaMessage[];
  scanned: number;
  matched: number;
  readonly [FRAME_MESSAGES]: readonly HeldMessage[];
}

/** A read message as the tail holds it: UTF-8 values stay the Buffer kafkajs read (no string, no copy). */
type HeldMessage = FrameMessage & { value: Buffer | string | null };

export interface TailLimits {
  /** Flush what is pending at least this often. */
  flushMs: number;
  /** Flush as soon as this many messages (or bytes) are pending. */
  batchMessages: number;
  batchBytes: number;
  /** Sent but unacknowledged messages (or bytes) before the tail waits for the receiver. */
  windowMessages: number;
  windowBytes: number;
}

export const DEFAULT_LIMITS: TailLimits = {
  flushMs: 100,
  batchMessages: 500,
  batchBytes: 1024 * 1024,
  windowMessages: 5_000,
  windowBytes: 16 * 1024 * 1024,
};

export interface TailDeps {
  client: KafkaClient;
  onMessages(batch: TailBatch): void;
  onStatus(status: TailStatus): void;
  limits?: Partial<TailLimits>;
  now?: () => number;
}

const MESSAGE_OVERHEAD = 96;
const STATUS_EVERY_MS = 1_000;
const ACTIVE: ReadonlySet<TailState> = new Set(['starting', 'running', 'paused', 'waiting', 'reconnecting']);

export class Tail {
  readonly id: string;
  readonly topic: string;
  readonly #request: TailRequest;
  readonly #deps: TailDeps;
  readonly #limits: TailLimits;
  readonly #filter: MessageFilter;
  readonly #now: () => number;
  readonly #startedAt: number;

  #state: TailState = 'starting';
  #reason = 'connecting';
  #error: TailStatus['error'];
  #paused = false;
  #consumer: ConsumerHandle | null = null;
  #timers: NodeJS.Timeout[] = [];
  #wakers = new Set<() => void>();
  #shutdown: Promise<void> | null = null;

  /** Next offset to read, per partition. */
  readonly #positions = new Map<number, bigint>();
  /** Last known high watermark, per partition. */
  readonly #ends = new Map<number, bigint>();
  #stopAt: Map<number, bigint> | null = null;

  #pending: HeldMessage[] = [];
  #pendingBytes = 0;
  readonly #inflight: Array<{ seq: number; count: number; bytes: number }> = [];
  #inflightCount = 0;
  #inflightBytes = 0;
  #seq = 0;
  #lastAckAt: number;

  #scanned = 0;
  #matched = 0;
  #acknowledged = 0;
  #duplicates = 0;
  #waitedMs = 0;
  /** Largest number of messages held at once (pending + unacknowledged), for tests and the benchmark. */
  peakHeld = 0;

  constructor(request: TailRequest, deps: TailDeps) {
    this.id = request.tailId;
    this.topic = request.topic;
    this.#request = request;
    this.#deps = deps;
    this.#limits = { ...DEFAULT_LIMITS, ...deps.limits };
    this.#filter = compileFilter(request.filter);
    this.#now = deps.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#lastAckAt = this.#startedAt;
  }

  get state(): TailState {
    return this.#state;
  }

  get active(): boolean {
    return ACTIVE.has(this.#state);
  }

  /** Resolves the start positions and joins; throws a coded error when the tail cannot start. */
  async start(): Promise<TailStatus> {
    const { client } = this.#deps;
    const { topic, partition } = this.#request;
    const marks = await client.watermarks(topic);
    const selected = partition === undefined ? marks : marks.filter((m) => m.partition === partition);
    if (partition !== undefined && selected.length === 0) {
      throw new AppError('INVALID_REQUEST', `Topic "${topic}" has no partition ${partition}`, {
        hint: `It has partitions 0–${marks.length - 1}.`,
      });
    }
    const starts = await this.#startOffsets(selected);
    for (const mark of selected) {
      this.#positions.set(mark.partition, starts.get(mark.partition)!);
      this.#ends.set(mark.partition, BigInt(mark.high));
    }
    if (this.#request.until === 'end') this.#stopAt = new Map(selected.map((m) => [m.partition, BigInt(m.high)]));
    if (this.#reachedEnd()) {
      this.#finish('ended', 'nothing to read: already at the end');
      return this.status();
    }
    this.#timers.push(setInterval(() => this.#flush(), this.#limits.flushMs));
    this.#timers.push(setInterval(() => this.#tick(), STATUS_EVERY_MS));
    try {
      this.#consumer = await client.consume({
        topic,
        groupId: `logclaw-tail-${this.id}`,
        partition,
        position: (p) => this.#positions.get(p)?.toString(),
        onBatch: (batch, heartbeat) => this.#onBatch(batch, heartbeat),
        onEvent: (event) => this.#onEvent(event),
      });
    } catch (error) {
      this.#finish('failed', 'could not start the consumer', error);
      throw error;
    }
    // Stopped while joining: release the consumer that just arrived.
    if (!this.active) {
      const consumer = this.#consumer;
      this.#shutdown = (this.#shutdown ?? Promise.resolve()).then(() => consumer.stop());
      return this.status();
    }
    if (this.#state === 'starting') this.#setState('running', 'reading');
    return this.status();
  }

  async #startOffsets(marks: Array<{ partition: number; low: string; high: string }>): Promise<Map<number, bigint>> {
    const { from } = this.#request;
    const result = new Map<number, bigint>();
    const clamp = (value: bigint, low: bigint, high: bigint) => (value < low ? low : value > high ? high : value);
    if (from.kind === 'timestamp') {
      const ms = typeof from.at === 'number' ? from.at : Date.parse(from.at);
      const offsets = await this.#deps.client.offsetsAt(this.topic, ms);
      for (const mark of marks) {
        const found = offsets.find((o) => o.partition === mark.partition)?.offset ?? mark.high;
        result.set(mark.partition, clamp(BigInt(found), BigInt(mark.low), BigInt(mark.high)));
      }
      return result;
    }
    for (const mark of marks) {
      const low = BigInt(mark.low);
      const high = BigInt(mark.high);
      if (from.kind === 'latest') result.set(mark.partition, high);
      else if (from.kind === 'earliest') result.set(mark.partition, low);
      else {
        const offset = BigInt(from.offset);
        result.set(mark.partition, clamp(offset < 0n ? high + offset : offset, low, high));
      }
    }
    return result;
  }

  async #onBatch({ partition, messages, highWatermark }: RawBatch, heartbeat: () => Promise<void>): Promise<void> {
    if (!this.active) return;
    this.#ends.set(partition, BigInt(highWatermark));
    const maxValue = this.#request.maxValueBytes;
    const stop = this.#stopAt?.get(partition);
    for (const raw of messages) {
      if (this.#paused) await this.#waitForRoom(heartbeat);
      if (!this.active) return;
      const offset = BigInt(raw.offset);
      const next = this.#positions.get(partition);
      if (next !== undefined && offset < next) {
        this.#duplicates++;
        continue;
      }
      if (stop !== undefined && offset >= stop) break;
      this.#positions.set(partition, offset + 1n);
      this.#scanned++;
      const key = raw.key === null ? null : raw.key.toString('utf8');
      const value = holdValue(raw.value, maxValue);
      // Values become strings here only when the filter reads them; otherwise at the receiver.
      if (this.#filter.needsText) {
        const text = typeof value.value === 'string' || value.value === null ? value.value : value.value.toString('utf8');
        if (!this.#filter({ key, value: text })) continue;
        value.value = text;
      }
      this.#matched++;
      this.#pending.push({
        partition,
        offset: raw.offset,
        timestamp: Number(raw.timestamp),
        key,
        value: value.value,
        encoding: value.encoding,
        headers: raw.headers,
        size: value.size,
        truncated: value.truncated,
      });
      this.#pendingBytes += (value.value?.length ?? 0) + (key?.length ?? 0) + MESSAGE_OVERHEAD;
      this.#notePeak();
      if (this.#request.max !== undefined && this.#matched >= this.#request.max) {
        this.#finish('ended', `stopped after ${this.#matched} messages (max)`);
        return;
      }
      if (this.#pending.length >= this.#limits.batchMessages || this.#pendingBytes >= this.#limits.batchBytes) {
        this.#flush();
        await this.#waitForRoom(heartbeat);
      }
    }
    if (this.#reachedEnd()) {
      this.#finish('ended', 'reached the end of the topic');
      return;
    }
    await this.#waitForRoom(heartbeat);
  }

  /** Backpressure and pause: wait (heartbeating) while the window is full or the user paused. */
  async #waitForRoom(heartbeat: () => Promise<void>): Promise<void> {
    const full = () => this.#inflightCount >= this.#limits.windowMessages || this.#inflightBytes >= this.#limits.windowBytes;
    if (!this.active || (!full() && !this.#paused)) return;
    const began = this.#now();
    while (this.active && (this.#paused || full())) {
      if (!this.#paused) this.#setState('waiting', `waiting for the receiver: ${this.#inflightCount} messages not yet acknowledged`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 1_000);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wakers.add(done);
      });
      await heartbeat().catch(() => undefined);
    }
    if (!this.#paused) this.#waitedMs += this.#now() - began;
    if (this.active && this.#state === 'waiting') this.#setState('running', 'reading');
  }

  #wake(): void {
    const wakers = [...this.#wakers];
    this.#wakers.clear();
    for (const wake of wakers) wake();
  }

  #notePeak(): void {
    const held = this.#pending.length + this.#inflightCount;
    if (held > this.peakHeld) this.peakHeld = held;
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    const messages = this.#pending;
    const bytes = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    const seq = ++this.#seq;
    this.#inflight.push({ seq, count: messages.length, bytes });
    this.#inflightCount += messages.length;
    this.#inflightBytes += bytes;
    this.#deps.onMessages(tailBatch(this.id, seq, messages, this.#scanned, this.#matched));
  }

  /** The receiver has everything up to `seq`; also renews the lease. */
  ack(seq: number): TailState {
    this.#lastAckAt = this.#now();
    while (this.#inflight.length && this.#inflight[0]!.seq <= seq) {
      const batch = this.#inflight.shift()!;
      this.#inflightCount -= batch.count;
      this.#inflightBytes -= batch.bytes;
      this.#acknowledged += batch.count;
    }
    this.#wake();
    return this.#state;
  }

  pause(): TailStatus {
    if (this.active && !this.#paused) {
      this.#paused = true;
      this.#flush();
      this.#setState('paused', 'paused: not reading until resumed');
    }
    return this.status();
  }

  resume(): TailStatus {
    if (this.active && this.#paused) {
      this.#paused = false;
      this.#setState('running', 'reading');
      this.#wake();
    }
    return this.status();
  }

  async stop(reason = 'stopped'): Promise<TailStatus> {
    this.#finish('stopped', reason);
    await this.#shutdown;
    return this.status();
  }

  /** Resolves once the consumer has left its group. */
  closed(): Promise<void> {
    return this.#shutdown ?? Promise.resolve();
  }

  #onEvent(event: ConsumerEvent): void {
    if (!this.active) return;
    if (event.type === 'joined') {
      this.#setState(this.#paused ? 'paused' : 'running', this.#paused ? 'paused: not reading until resumed' : 'reading');
    } else if (event.type === 'crashed') {
      const payload = toErrorPayload(event.error);
      if (event.restarting) {
        this.#setState('reconnecting', `reconnecting: ${payload.message}`);
      } else {
        this.#finish('failed', 'the consumer stopped', event.error);
      }
    }
  }

  #tick(): void {
    if (!this.active) return;
    if (this.#now() - this.#lastAckAt > this.#request.leaseMs) {
      this.#finish('stopped', `stopped: no acknowledgement for ${Math.round(this.#request.leaseMs / 1000)} s (the receiver went away)`);
      return;
    }
    this.#deps.onStatus(this.status());
  }

  #reachedEnd(): boolean {
    if (!this.#stopAt) return false;
    for (const [partition, stop] of this.#stopAt) {
      if ((this.#positions.get(partition) ?? 0n) < stop) return false;
    }
    return true;
  }

  #setState(state: TailState, reason: string): void {
    if (this.#state === state && this.#reason === reason) return;
    this.#state = state;
    this.#reason = reason;
    this.#deps.onStatus(this.status());
  }

  /** Final state: flush what was read, release the consumer (never awaited from inside a batch). */
  #finish(state: 'ended' | 'stopped' | 'failed', reason: string, error?: unknown): void {
    if (!this.active) return;
    this.#flush();
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    if (error !== undefined) {
      const payload = toErrorPayload(error);
      this.#error = { code: payload.code, message: payload.message, ...(payload.hint ? { hint: payload.hint } : {}) };
    }
    this.#setState(state, reason);
    this.#wake();
    const consumer = this.#consumer;
    this.#shutdown = new Promise<void>((resolve) => setImmediate(resolve)).then(() => consumer?.stop());
  }

  status(): TailStatus {
    return {
      tailId: this.id,
      topic: this.topic,
      state: this.#state,
      reason: this.#reason,
      ...(this.#error ? { error: this.#error } : {}),
      startedAt: this.#startedAt,
      scanned: this.#scanned,
      matched: this.#matched,
      acknowledged: this.#acknowledged,
      dropped: 0,
      waitedMs: this.#waitedMs,
      held: this.#pending.length + this.#inflightCount,
      peakHeld: this.peakHeld,
      duplicatesSkipped: this.#duplicates,
      positions: [...this.#positions].map(([partition, next]) => ({
        partition,
        next: String(next),
        end: this.#ends.has(partition) ? String(this.#ends.get(partition)) : null,
      })),
      stopAt: this.#stopAt ? [...this.#stopAt].map(([partition, offset]) => ({ partition, offset: String(offset) })) : null,
    };
  }
}

function holdValue(
  buffer: Buffer | null,
  max: number | null,
): { value: Buffer | string | null; encoding: 'utf8' | 'base64'; size: number; truncated: boolean } {
  if (buffer === null) return { value: null, encoding: 'utf8', size: 0, truncated: false };
  const size = buffer.length;
  const truncated = max !== null && size > max;
  const part = truncated ? buffer.subarray(0, max) : buffer;
  if (isUtf8(buffer)) return { value: part, encoding: 'utf8', size, truncated };
  return { value: part.toString('base64'), encoding: 'base64', size, truncated };
}

function tailBatch(tailId: string, seq: number, held: HeldMessage[], scanned: number, matched: number): TailBatch {
  let messages: KafkaMessage[] | null = null;
  const batch = { tailId, seq, scanned, matched } as TailBatch;
  // An own enumerable getter, so in-process listeners and Electron's IPC (structured clone) both see
  // plain messages; the held bytes ride along unenumerated for the bridge.
  Object.defineProperty(batch, 'messages', {
    enumerable: true,
    get: () =>
      (messages ??= held.map((m) => ({
        ...m,
        value: m.value === null || typeof m.value === 'string' ? m.value : m.value.toString('utf8'),
      }))),
  });
  Object.defineProperty(batch, FRAME_MESSAGES, { value: held });
  return batch;
}
