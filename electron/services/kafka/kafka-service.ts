// The Kafka capability: one client per resolved connection (re-made when the connection changes),
// topics with watermarks and rates, consumer groups with lag, live tails and a producer.
import { randomBytes } from 'node:crypto';
import { AppError } from '#contract/errors.js';
import type {
  ConsumerGroup,
  GroupPartitionLag,
  KafkaCluster,
  KafkaConnection,
  ProduceMessage,
  ProduceResult,
  TailStatus,
  TopicConfigEntry,
  TopicInfo,
} from '#contract/kafka.js';
import { createKafkaClient } from './adapter.js';
import type { KafkaConnectionStore, ResolvedConnection } from './connection.js';
import { RateTracker } from './rates.js';
import { Tail, type TailBatch, type TailLimits, type TailRequest } from './tail.js';
import type { KafkaClient, KafkaConnectOptions, TopicMetadata, Watermark } from './types.js';

export interface KafkaServiceOptions {
  connection: KafkaConnectionStore;
  onMessages(batch: TailBatch): void;
  onStatus(status: TailStatus): void;
  /** Tests swap the client factory or the tail limits. */
  createClient?: (options: KafkaConnectOptions) => KafkaClient;
  tailLimits?: Partial<TailLimits>;
  now?: () => number;
}

const TAIL_GROUP_PREFIX = 'logclaw-tail-';
const MAX_TAILS = 16;
const PARALLEL = 8;

export class KafkaService {
  readonly #options: KafkaServiceOptions;
  readonly #rates = new RateTracker();
  readonly #tails = new Map<string, Tail>();
  #client: { key: string; client: KafkaClient } | null = null;
  #connecting: Promise<KafkaClient> | null = null;

  constructor(options: KafkaServiceOptions) {
    this.#options = options;
  }

  get connectionStore(): KafkaConnectionStore {
    return this.#options.connection;
  }

  connection(): KafkaConnection {
    return this.#options.connection.describe();
  }

  async setConnection(request: { mode: 'auto' | 'direct'; brokers: string[]; save: boolean }): Promise<KafkaConnection> {
    if (request.save) await this.#options.connection.save(request);
    else this.#options.connection.setSession(request.mode === 'direct' ? request.brokers : null);
    await this.#dropClient();
    return this.connection();
  }

  /** The client for the current connection; a changed connection closes the old one and its tails. */
  async client(): Promise<KafkaClient> {
    const resolved = await this.#options.connection.resolve();
    const key = connectionKey(resolved);
    if (this.#client?.key === key) return this.#client.client;
    if (this.#connecting) return this.#connecting;
    this.#connecting = (async () => {
      await this.#dropClient();
      const create = this.#options.createClient ?? createKafkaClient;
      const client = create({ brokers: resolved.brokers, ...(resolved.addressMap ? { addressMap: resolved.addressMap } : {}) });
      this.#client = { key, client };
      return client;
    })().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #dropClient(): Promise<void> {
    const current = this.#client;
    this.#client = null;
    if (!current) return;
    await Promise.allSettled([...this.#tails.values()].map((tail) => tail.stop('stopped: the Kafka connection changed')));
    await current.client.close();
  }

  async cluster(): Promise<KafkaCluster> {
    const client = await this.client();
    const cluster = await client.describeCluster();
    return {
      clusterId: cluster.clusterId,
      controller: cluster.controller,
      brokers: cluster.brokers
        .map(({ nodeId, host, port }) => {
          const address = `${host}:${port}`;
          const via = client.connection.mapped ? client.connection.resolve(address) : null;
          return { nodeId, address, via };
        })
        .sort((a, b) => a.nodeId - b.nodeId),
    };
  }

  async listTopics({ internal }: { internal: boolean }): Promise<{ topics: TopicInfo[]; sampledAt: number }> {
    const client = await this.client();
    const metadata = await client.topicMetadata();
    const at = this.#now();
    const wanted = metadata.filter((topic) => internal || !isInternalTopic(topic.name));
    const marks = await mapLimit(wanted, PARALLEL, (topic) => client.watermarks(topic.name));
    const topics = wanted.map((topic, i) => this.#topicInfo(topic, marks[i]!, at)).sort((a, b) => a.name.localeCompare(b.name));
    this.#rates.retain(metadata.map((topic) => topic.name));
    return { topics, sampledAt: at };
  }

  #topicInfo(topic: TopicMetadata, marks: Watermark[], at: number): TopicInfo {
    const byPartition = new Map(marks.map((mark) => [mark.partition, mark]));
    const partitions = topic.partitions.map((p) => {
      const mark = byPartition.get(p.partition) ?? { low: '0', high: '0' };
      return { ...p, low: mark.low, high: mark.high, messages: Number(BigInt(mark.high) - BigInt(mark.low)) };
    });
    const messages = partitions.reduce((sum, p) => sum + p.messages, 0);
    const total = marks.reduce((sum, mark) => sum + Number(mark.high), 0);
    const { rate, history } = this.#rates.record(topic.name, total, at);
    return {
      name: topic.name,
      internal: isInternalTopic(topic.name),
      partitions,
      replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
      messages,
      rate,
      rateHistory: history,
      underReplicated: topic.partitions.filter((p) => p.isr.length < p.replicas.length).length,
    };
  }

  async describeTopic(topic: string): Promise<{ topic: TopicInfo; configs: TopicConfigEntry[] }> {
    const client = await this.client();
    await this.#ensureTopic(client, topic);
    const [metadata, marks, configs] = await Promise.all([
      client.topicMetadata([topic]),
      client.watermarks(topic),
      client.topicConfigs(topic),
    ]);
    return { topic: this.#topicInfo(metadata[0]!, marks, this.#now()), configs };
  }

  async createTopic(request: {
    topic: string;
    partitions: number;
    replicationFactor?: number;
    configs: Record<string, string>;
  }): Promise<TopicInfo> {
    const client = await this.client();
    await client.createTopic(request);
    const [metadata, marks] = await Promise.all([client.topicMetadata([request.topic]), client.watermarks(request.topic)]);
    return this.#topicInfo(metadata[0]!, marks, this.#now());
  }

  async deleteTopic(topic: string): Promise<{ deleted: string }> {
    const client = await this.client();
    await this.#ensureTopic(client, topic);
    for (const tail of this.#tails.values()) if (tail.topic === topic) await tail.stop(`stopped: topic ${topic} was deleted`);
    await client.deleteTopic(topic);
    return { deleted: topic };
  }

  async listGroups({ internal }: { internal: boolean }): Promise<ConsumerGroup[]> {
    const client = await this.client();
    const overview = (await client.listGroups()).filter((g) => internal || !g.groupId.startsWith(TAIL_GROUP_PREFIX));
    const groups = await client.describeGroups(overview.map((g) => g.groupId));
    const committed = await mapLimit(groups, PARALLEL, (group) => client.committedOffsets(group.groupId));
    const topics = new Set<string>();
    groups.forEach((group, i) => {
      committed[i]!.forEach((o) => topics.add(o.topic));
      group.members.forEach((m) => m.assignments.forEach((a) => topics.add(a.topic)));
    });
    const names = new Set(await client.listTopicNames());
    const existing = [...topics].filter((topic) => names.has(topic));
    const marks = new Map(existing.map((topic, i) => [topic, i]));
    const watermarks = await mapLimit(existing, PARALLEL, (topic) => client.watermarks(topic));
    const highOf = (topic: string, partition: number) => {
      const index = marks.get(topic);
      return index === undefined ? null : (watermarks[index]!.find((m) => m.partition === partition)?.high ?? null);
    };
    return groups
      .map((group, i) => {
        const rows = new Map<string, GroupPartitionLag>();
        const add = (topic: string, partition: number, offset: string | null) => {
          const high = highOf(topic, partition);
          if (high === null) return;
          const committedOffset = offset !== null && BigInt(offset) >= 0n ? offset : null;
          const lag = committedOffset === null ? null : Math.max(0, Number(BigInt(high) - BigInt(committedOffset)));
          rows.set(`${topic}\u0000${partition}`, { topic, partition, committed: committedOffset, high, lag });
        };
        for (const o of committed[i]!) add(o.topic, o.partition, o.offset);
        for (const member of group.members) {
          for (const a of member.assignments) for (const p of a.partitions) if (!rows.has(`${a.topic}\u0000${p}`)) add(a.topic, p, null);
        }
        const offsets = [...rows.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
        return {
          ...group,
          offsets,
          totalLag: offsets.reduce((sum, o) => sum + (o.lag ?? 0), 0),
          topics: [...new Set(offsets.map((o) => o.topic))],
        };
      })
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async startTail(request: Omit<TailRequest, 'tailId'> & { tailId?: string }): Promise<TailStatus> {
    const tailId = request.tailId ?? randomBytes(6).toString('base64url');
    if (this.#tails.get(tailId)?.active) throw new AppError('INVALID_REQUEST', `A tail with id ${tailId} is already running`);
    const running = [...this.#tails.values()].filter((tail) => tail.active).length;
    if (running >= MAX_TAILS) {
      throw new AppError('INVALID_REQUEST', `${running} tails are already running`, { hint: 'Stop a tail before starting another.' });
    }
    const client = await this.client();
    await this.#ensureTopic(client, request.topic);
    const tail = new Tail(
      { ...request, tailId },
      {
        client,
        onMessages: this.#options.onMessages,
        onStatus: (status) => {
          this.#options.onStatus(status);
          if (!tail.active) this.#forgetLater(tail);
        },
        ...(this.#options.tailLimits ? { limits: this.#options.tailLimits } : {}),
        ...(this.#options.now ? { now: this.#options.now } : {}),
      },
    );
    this.#tails.set(tailId, tail);
    try {
      return await tail.start();
    } catch (error) {
      this.#tails.delete(tailId);
      throw error;
    }
  }

  /** Finished tails stay queryable for a minute, then go. */
  #forgetLater(tail: Tail): void {
    setTimeout(() => {
      if (this.#tails.get(tail.id) === tail && !tail.active) this.#tails.delete(tail.id);
    }, 60_000).unref();
  }

  #tail(tailId: string): Tail {
    const tail = this.#tails.get(tailId);
    if (!tail) throw new AppError('NOT_FOUND', `No tail ${tailId}`, { hint: 'It ended or was stopped; start a new one.' });
    return tail;
  }

  ackTail(tailId: string, seq: number): { state: TailStatus['state'] } {
    return { state: this.#tail(tailId).ack(seq) };
  }

  pauseTail(tailId: string): TailStatus {
    return this.#tail(tailId).pause();
  }

  resumeTail(tailId: string): TailStatus {
    return this.#tail(tailId).resume();
  }

  stopTail(tailId: string): Promise<TailStatus> {
    return this.#tail(tailId).stop();
  }

  /** A live tail, for in-process users (tests, benchmark) that want its counters. */
  tail(tailId: string): Tail | undefined {
    return this.#tails.get(tailId);
  }

  async produce(request: {
    topic: string;
    format: 'json' | 'text';
    messages: Array<ProduceMessage & { headers: Record<string, string> }>;
  }): Promise<ProduceResult[]> {
    if (request.format === 'json') {
      request.messages.forEach((message, i) => {
        try {
          JSON.parse(message.value);
        } catch (error) {
          const which = request.messages.length > 1 ? `Message ${i + 1}: the value` : 'The value';
          throw new AppError('INVALID_REQUEST', `${which} is not valid JSON (${(error as Error).message})`, {
            hint: 'Fix the JSON, or send it as plain text (format "text", `--text` on the CLI).',
            detail: { index: i, value: message.value.slice(0, 200) },
          });
        }
      });
    }
    const client = await this.client();
    await this.#ensureTopic(client, request.topic);
    const results = await client.produce(request.topic, request.messages);
    return results.map((r) => ({ topic: request.topic, ...r }));
  }

  async #ensureTopic(client: KafkaClient, topic: string): Promise<void> {
    const names = await client.listTopicNames();
    if (names.includes(topic)) return;
    const similar = names
      .filter((name) => !isInternalTopic(name))
      .map((name) => ({ name, distance: editDistance(name, topic) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 3)
      .filter((candidate) => candidate.distance <= Math.max(3, Math.floor(topic.length / 3)));
    throw new AppError('NOT_FOUND', `Topic "${topic}" does not exist`, {
      hint: similar.length
        ? `Did you mean ${similar.map((s) => `"${s.name}"`).join(' or ')}? (logclaw topics lists them)`
        : 'Create it first (Kafka pane → New topic), or check the name with `logclaw topics`.',
      detail: { topic },
    });
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  async close(): Promise<void> {
    await this.#dropClient();
    this.#tails.clear();
  }
}

export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

function connectionKey(resolved: ResolvedConnection): string {
  return JSON.stringify([resolved.brokers, Object.entries(resolved.addressMap ?? {}).sort()]);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
