// How the Logs domain looks at the other hops, through the Kafka and Search domains' own channels
// (so their connection precedence holds: CLI flags, saved connections, the stack's forwards):
// a Kafka tail on raw-logs filtered on an id, and OpenSearch searches for it.
import { randomBytes } from 'node:crypto';
import { AppError } from '#contract/errors.js';
import type { KafkaMessage, TailStatus } from '#contract/kafka.js';
import type { Endpoint } from '#contract/search.js';
import type { BackendContext } from '../../domain.js';

export type PipelineContext = Pick<BackendContext, 'call' | 'bus'>;

const FINAL = new Set<TailStatus['state']>(['ended', 'stopped', 'failed']);

export interface Watch {
  stop(): Promise<void>;
}

export interface WatchOptions {
  topic: string;
  /** Read from the first message at or after this time. */
  fromMs: number;
  /** Only messages whose key or value contains this text. */
  text: string;
  onMessages(messages: KafkaMessage[], receivedAt: number): void;
  /** The tail ended on its own (broker gone for good, topic deleted): with its status. */
  onEnd?(status: TailStatus): void;
}

/** A live tail through the Kafka domain; batches are acknowledged as the UI does. */
export async function watchKafka(ctx: PipelineContext, options: WatchOptions): Promise<Watch> {
  const tailId = `logs-${randomBytes(6).toString('hex')}`;
  let lastSeq = 0;
  let stopped = false;
  const ack = (seq: number) => void ctx.call('kafka:tailAck', { tailId, seq }).catch(() => undefined);
  const offMessages = ctx.bus.on('kafka:messages', (batch) => {
    if (batch.tailId !== tailId || stopped) return;
    lastSeq = Math.max(lastSeq, batch.seq);
    options.onMessages(batch.messages, Date.now());
    ack(batch.seq);
  });
  const offStatus = ctx.bus.on('kafka:tailStatus', (status) => {
    if (status.tailId === tailId && FINAL.has(status.state) && !stopped) options.onEnd?.(status);
  });
  // The tail's lease: it stops when nobody acknowledges for a minute, even when nothing matches.
  const ping = setInterval(() => ack(lastSeq), 15_000);
  ping.unref();
  const cleanup = () => {
    stopped = true;
    clearInterval(ping);
    offMessages();
    offStatus();
  };
  try {
    await ctx.call('kafka:tailStart', {
      tailId,
      topic: options.topic,
      from: { kind: 'timestamp', at: Math.max(0, Math.floor(options.fromMs)) },
      filter: { text: options.text },
      until: 'follow',
      maxValueBytes: 262_144,
      leaseMs: 60_000,
    });
  } catch (error) {
    cleanup();
    throw error;
  }
  return {
    async stop() {
      if (stopped) return;
      cleanup();
      await ctx.call('kafka:tailStop', { tailId }).catch(() => undefined);
    },
  };
}

export interface FoundDoc {
  index: string;
  id: string;
  source: Record<string, unknown>;
}

/** Documents whose `field` matches `value` exactly (a phrase: ids with "-" stay whole). */
export async function searchDocs(
  ctx: PipelineContext,
  options: { index: string; field: string; value: string; endpoint?: Endpoint; size?: number; extra?: unknown[] },
): Promise<FoundDoc[]> {
  const filter: unknown[] = [{ match_phrase: { [options.field]: options.value } }, ...(options.extra ?? [])];
  const dsl = JSON.stringify({ query: { bool: { filter } }, size: options.size ?? 10 });
  const result = await ctx.call('search:query', {
    index: options.index,
    mode: 'dsl',
    dsl,
    aggregations: false,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  return result.hits.map((hit) => ({ index: hit._index, id: hit._id, source: hit._source }));
}

/** Indices matching the pattern (an empty list: the index is missing). */
export async function listIndices(ctx: PipelineContext, pattern: string, endpoint?: Endpoint): Promise<string[]> {
  const indices = await ctx.call('search:indices', { index: pattern, ...(endpoint ? { endpoint } : {}) });
  return indices.map((index) => index.index);
}

/** True for OpenSearch's "no such index" (a concrete index name that does not exist). */
export function isIndexMissing(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  const detail = error.detail as { type?: string } | undefined;
  return detail?.type === 'index_not_found_exception' || /index_not_found|no such index/i.test(error.message);
}

/** The daily index Vector's OpenSearch sink writes an event to (`logclaw-logs-%Y.%m.%d`, UTC). */
export function dailyIndex(pattern: string, at: number): string {
  const date = new Date(at);
  const day = `${date.getUTCFullYear()}.${String(date.getUTCMonth() + 1).padStart(2, '0')}.${String(date.getUTCDate()).padStart(2, '0')}`;
  return pattern.endsWith('*') ? `${pattern.slice(0, -1)}${day}` : pattern;
}
