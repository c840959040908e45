// The only module that imports kafkajs (community-maintained: keep the door open). It turns kafkajs
// calls, types and errors into the plain KafkaClient of ./types.ts and coded AppErrors.
import { isUtf8 } from 'node:buffer';
import kafkajs, { type IHeaders, type Kafka as KafkaInstance, type KafkaMessage as KafkaJsMessage, type LogEntry } from 'kafkajs';
import { AppError } from '#contract/errors.js';
import { toAppError } from './errors.js';
import { createAddressMapper, splitAddress } from './socket-factory.js';
import type { BrokerNode, ConsumeOptions, ConsumerHandle, KafkaClient, KafkaConnectOptions, OutgoingMessage, RawMessage } from './types.js';

// kafkajs is CommonJS: take its runtime values from the default export.
const { AssignerProtocol, ConfigResourceTypes, Kafka, Partitioners, logLevel } = kafkajs;

const RETRY = { initialRetryTime: 200, retries: 3, maxRetryTime: 2_000 };

export function createKafkaClient(options: KafkaConnectOptions & { log?: (line: string) => void }): KafkaClient {
  const mapper = createAddressMapper(options.addressMap ?? {});
  const mapped = Object.keys(options.addressMap ?? {}).length > 0;
  const kafka = new Kafka({
    clientId: options.clientId ?? 'logclaw-desktop',
    brokers: options.brokers,
    socketFactory: mapper.factory as never,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: 30_000,
    retry: RETRY,
    logLevel: logLevel.ERROR,
    logCreator: () => (entry: LogEntry) => options.log?.(`[kafkajs ${entry.namespace}] ${entry.log.message}`),
  });
  const describeTarget = () => options.brokers.join(',');
  const fail = (error: unknown, action: string): never => {
    throw toAppError(error, { action, brokers: describeTarget(), unmapped: [...mapper.unmapped] });
  };

  const admin = kafka.admin({ retry: RETRY });
  let adminReady: Promise<void> | null = null;
  const connectAdmin = () => {
    adminReady ??= admin.connect().catch((error: unknown) => {
      adminReady = null;
      throw error;
    });
    return adminReady;
  };
  async function withAdmin<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      await connectAdmin();
      return await fn();
    } catch (error) {
      return fail(error, action);
    }
  }

  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, retry: RETRY });
  const partitioner = Partitioners.DefaultPartitioner();
  let producerReady: Promise<void> | null = null;
  const consumers = new Set<ConsumerHandle>();

  return {
    connection: { brokers: options.brokers, mapped, resolve: mapper.resolve, sockets: mapper.log },

    describeCluster: () =>
      withAdmin('read the cluster', async () => {
        const cluster = await admin.describeCluster();
        return {
          clusterId: cluster.clusterId,
          controller: cluster.controller,
          brokers: cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
        };
      }),

    listTopicNames: () => withAdmin('list topics', () => admin.listTopics()),

    topicMetadata: (topics) =>
      withAdmin('read topic metadata', async () => {
        const { topics: list } = await admin.fetchTopicMetadata(topics ? { topics } : undefined);
        return list.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions
            .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] }))
            .sort((a, b) => a.partition - b.partition),
        }));
      }),

    watermarks: (topic) =>
      withAdmin(`read the offsets of ${topic}`, async () => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.map(({ partition, low, high }) => ({ partition, low, high })).sort((a, b) => a.partition - b.partition);
      }),

    offsetsAt: (topic, ms) =>
      withAdmin(`find offsets by time in ${topic}`, async () => {
        const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, ms);
        return offsets.map(({ partition, offset }) => ({ partition, offset }));
      }),

    topicConfigs: (topic) =>
      withAdmin(`read the configs of ${topic}`, async () => {
        const result = await admin.describeConfigs({
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
          includeSynonyms: false,
        });
        const entries = result.resources[0]?.configEntries ?? [];
        return entries
          .map((entry) => ({
            name: entry.configName,
            value: entry.configValue ?? null,
            isDefault: entry.isDefault,
            isSensitive: entry.isSensitive,
            readOnly: entry.readOnly,
          }))
          .sort((a, b) => a.name.localeCompare(b.name));
      }),

    createTopic: ({ topic, partitions, replicationFactor, configs }) =>
      withAdmin(`create topic ${topic}`, async () => {
        const created = await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic,
              numPartitions: partitions,
              replicationFactor: replicationFactor ?? -1,
              configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
            },
          ],
        });
        if (!created)
          throw new AppError('INVALID_REQUEST', `Topic "${topic}" already exists`, {
            hint: 'Pick another name, or delete the existing topic first.',
          });
      }),

    deleteTopic: (topic) => withAdmin(`delete topic ${topic}`, () => admin.deleteTopics({ topics: [topic], timeout: 15_000 })),

    listGroups: () =>
      withAdmin('list consumer groups', async () => {
        const { groups } = await admin.listGroups();
        return groups.map(({ groupId, protocolType }) => ({ groupId, protocolType }));
      }),

    describeGroups: (groupIds) =>
      withAdmin('describe consumer groups', async () => {
        if (groupIds.length === 0) return [];
        const { groups } = await admin.describeGroups(groupIds);
        return groups.map((group) => ({
          groupId: group.groupId,
          state: group.state,
          protocolType: group.protocolType,
          protocol: group.protocol,
          members: group.members.map((member) => ({
            memberId: member.memberId,
            clientId: member.clientId,
            clientHost: member.clientHost,
            assignments: decodeAssignment(group.protocolType, member.memberAssignment),
          })),
        }));
      }),

    committedOffsets: (groupId) =>
      withAdmin(`read the offsets of group ${groupId}`, async () => {
        const topics = await admin.fetchOffsets({ groupId });
        return topics.flatMap(({ topic, partitions }) => partitions.map(({ partition, offset }) => ({ topic, partition, offset })));
      }),

    async produce(topic, messages) {
      try {
        producerReady ??= producer.connect().catch((error: unknown) => {
          producerReady = null;
          throw error;
        });
        await producerReady;
        await connectAdmin();
        // Place keyless/keyed messages ourselves (Kafka's default partitioner), so each message's
        // offset is known exactly: baseOffset of its partition + its index within that partition.
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const partitionMetadata = topics[0]?.partitions ?? [];
        const placed = messages.map((message) => ({
          ...message,
          partition: message.partition ?? partitionFor(topic, partitionMetadata, message),
        }));
        const known = new Set(partitionMetadata.map((p) => p.partitionId));
        const missing = placed.find((message) => !known.has(message.partition));
        if (missing) {
          throw new AppError('INVALID_REQUEST', `Topic "${topic}" has no partition ${missing.partition}`, {
            hint: `It has partitions 0–${Math.max(...known)}; leave the partition empty to place by key.`,
          });
        }
        const metadata = await producer.send({
          topic,
          acks: -1,
          messages: placed.map(({ key, value, headers, partition }) => ({ key: key ?? null, value, headers, partition })),
        });
        const base = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
        const seen = new Map<number, bigint>();
        return placed.map(({ partition }) => {
          const index = seen.get(partition) ?? 0n;
          seen.set(partition, index + 1n);
          return { partition, offset: String((base.get(partition) ?? 0n) + index) };
        });
      } catch (error) {
        return fail(error, `produce to ${topic}`);
      }
    },

    async consume(consumeOptions) {
      const handle = await startConsumer(kafka, consumeOptions);
      consumers.add(handle);
      return {
        stop: async () => {
          consumers.delete(handle);
          await handle.stop();
        },
      };
    },

    async close() {
      await Promise.allSettled([...consumers].map((consumer) => consumer.stop()));
      consumers.clear();
      await Promise.allSettled([adminReady ? admin.disconnect() : null, producerReady ? producer.disconnect() : null]);
    },
  };

  function partitionFor(topic: string, partitionMetadata: unknown[], message: OutgoingMessage): number {
    return partitioner({
      topic,
      partitionMetadata: partitionMetadata as never,
      message: { key: message.key ?? null, value: message.value },
    });
  }
}

/**
 * Asks one broker (through a local forward) which brokers the cluster advertises, without
 * connecting to them: the first step of mapping advertised addresses to per-broker forwards.
 */
export async function readAdvertisedBrokers(localBootstrap: string, options: { connectionTimeoutMs?: number } = {}): Promise<BrokerNode[]> {
  // kafkajs connects to the brokers it learns about; for this metadata-only question every
  // connection goes to the one forward (any broker answers Metadata for the whole cluster).
  const everythingThere = createAddressMapper({}, { strict: false });
  const kafka = new Kafka({
    clientId: 'logclaw-desktop-discovery',
    brokers: [localBootstrap],
    socketFactory: ((request: { host: string; port: number; ssl: never; onConnect: () => void }) => {
      const { host, port } = splitAddress(localBootstrap);
      return everythingThere.factory({ ...request, host, port });
    }) as never,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    retry: RETRY,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin({ retry: RETRY });
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })).sort((a, b) => a.nodeId - b.nodeId);
  } catch (error) {
    throw toAppError(error, { action: 'read the advertised brokers', brokers: localBootstrap, unmapped: [] });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function startConsumer(kafka: KafkaInstance, options: ConsumeOptions): Promise<ConsumerHandle> {
  const { topic } = options;
  const consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    // Low latency for a live view, bounded memory per fetch.
    maxWaitTimeInMs: 250,
    maxBytesPerPartition: 2 * 1024 * 1024,
    maxBytes: 4 * 1024 * 1024,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    // A crashed consumer (broker gone) restarts until stopped; it then re-seeks to our positions.
    retry: { initialRetryTime: 300, maxRetryTime: 3_000, retries: 5, restartOnFailure: async () => true },
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = payload.memberAssignment[topic] ?? [];
    // Synchronous, before the first fetch of this generation: resume exactly where we were.
    for (const partition of partitions) {
      const offset = options.position(partition);
      if (offset !== undefined) consumer.seek({ topic, partition, offset });
    }
    if (options.partition !== undefined) {
      const others = partitions.filter((p) => p !== options.partition);
      if (others.length) consumer.pause([{ topic, partitions: others }]);
    }
    options.onEvent({ type: 'joined', partitions: [...partitions] });
  });
  consumer.on(consumer.events.CRASH, ({ payload }) =>
    options.onEvent({ type: 'crashed', error: payload.error, restarting: payload.restart }),
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat }) => {
        await options.onBatch(
          {
            partition: batch.partition,
            messages: batch.messages.map((m) => toRawMessage(batch.partition, m)),
            highWatermark: batch.highWatermark,
          },
          heartbeat,
        );
      },
    });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw toAppError(error, { action: `tail ${topic}`, brokers: '', unmapped: [] });
  }
  let stopped = false;
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      await consumer.disconnect().catch(() => undefined);
      options.onEvent({ type: 'stopped' });
    },
  };
}

function toRawMessage(partition: number, message: KafkaJsMessage): RawMessage {
  return {
    partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: decodeHeaders(message.headers),
  };
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    out[name] = values.map((v) => (Buffer.isBuffer(v) ? (isUtf8(v) ? v.toString('utf8') : v.toString('base64')) : String(v))).join(', ');
  }
  return out;
}

function decodeAssignment(protocolType: string, buffer: Buffer): Array<{ topic: string; partitions: number[] }> {
  if (protocolType !== 'consumer' || !buffer?.length) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    return Object.entries(decoded?.assignment ?? {}).map(([topic, partitions]) => ({
      topic,
      partitions: [...partitions].sort((a, b) => a - b),
    }));
  } catch {
    return [];
  }
}
