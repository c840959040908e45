// Kafka: connection, topics with watermarks and rates, consumer groups and lag, a live tail that
// the backend batches to the UI, and a producer. Pure data shared with the renderer.
import { z } from 'zod';
import { empty } from './core.js';
import type { ChannelMap, EventMap } from './define.js';
import { ErrorInfo, Notice } from './schemas.js';

/** A Kafka address as clients write it: host:port (IPv6 in brackets). */
export const BrokerAddress = z
  .string()
  .trim()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?):\d{1,5}$/, 'a broker address is host:port, e.g. 127.0.0.1:9092');

/** Kafka's own rule for topic names. */
export const TopicName = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[a-zA-Z0-9._-]+$/, 'a topic name uses letters, digits, ".", "_" and "-" only')
  .refine((name) => name !== '.' && name !== '..', 'a topic name cannot be "." or ".."');

/** int64 offsets cross as decimal strings (JSON numbers lose precision above 2^53). */
const Offset = z.string().regex(/^-?\d+$/, 'an offset is a whole number');

export const KafkaConnectionSource = z.enum(['session', 'env', 'saved', 'discovered', 'none']);
export type KafkaConnectionSource = z.infer<typeof KafkaConnectionSource>;

/** What is persisted in <dataDir>/kafka.json. */
export const KafkaSettings = z.object({
  schemaVersion: z.literal(1).default(1),
  /** auto: the installed stack's brokers through port-forwards; direct: the bootstrap below. */
  mode: z.enum(['auto', 'direct']).default('auto'),
  brokers: z.array(BrokerAddress).default([]),
});
export type KafkaSettings = z.infer<typeof KafkaSettings>;

export const KafkaConnection = z.object({
  source: KafkaConnectionSource,
  /** Bootstrap addresses the client starts from (empty when none is configured). */
  brokers: z.array(z.string()),
  /** True when broker addresses are redirected to local port-forwards. */
  mapped: z.boolean(),
  /** One line saying where the connection comes from, e.g. "--kafka-brokers" or "saved in kafka.json". */
  description: z.string(),
  saved: KafkaSettings,
  /** Equivalent CLI flag for "copy as command". */
  cliFlag: z.string().nullable(),
  /** E.g. a corrupt kafka.json that was set aside. */
  notices: z.array(Notice),
});
export type KafkaConnection = z.infer<typeof KafkaConnection>;

export const KafkaCluster = z.object({
  clusterId: z.string(),
  controller: z.number().nullable(),
  brokers: z.array(
    z.object({
      nodeId: z.number(),
      /** The address the broker advertises. */
      address: z.string(),
      /** The local address the app actually connects to (port-forward), when mapped. */
      via: z.string().nullable(),
    }),
  ),
});
export type KafkaCluster = z.infer<typeof KafkaCluster>;

export const PartitionInfo = z.object({
  partition: z.number(),
  leader: z.number(),
  replicas: z.array(z.number()),
  isr: z.array(z.number()),
  low: Offset,
  high: Offset,
  /** high − low: exact for plain topics, an upper bound with compaction or transaction markers. */
  messages: z.number(),
});
export type PartitionInfo = z.infer<typeof PartitionInfo>;

export const TopicInfo = z.object({
  name: z.string(),
  internal: z.boolean(),
  partitions: z.array(PartitionInfo),
  replicationFactor: z.number(),
  messages: z.number(),
  /** Messages per second produced since the previous sample (null before two samples). */
  rate: z.number().nullable(),
  /** Recent rates, oldest first, for the sparkline. */
  rateHistory: z.array(z.number()),
  /** Partitions whose ISR is smaller than their replica set. */
  underReplicated: z.number(),
});
export type TopicInfo = z.infer<typeof TopicInfo>;

export const TopicConfigEntry = z.object({
  name: z.string(),
  value: z.string().nullable(),
  isDefault: z.boolean(),
  isSensitive: z.boolean(),
  readOnly: z.boolean(),
});
export type TopicConfigEntry = z.infer<typeof TopicConfigEntry>;

export const GroupPartitionLag = z.object({
  topic: z.string(),
  partition: z.number(),
  /** Committed offset, or null when the group never committed on this partition. */
  committed: Offset.nullable(),
  high: Offset,
  lag: z.number().nullable(),
});
export type GroupPartitionLag = z.infer<typeof GroupPartitionLag>;

export const ConsumerGroup = z.object({
  groupId: z.string(),
  state: z.string(),
  protocolType: z.string(),
  protocol: z.string(),
  members: z.array(
    z.object({
      memberId: z.string(),
      clientId: z.string(),
      clientHost: z.string(),
      assignments: z.array(z.object({ topic: z.string(), partitions: z.array(z.number()) })),
    }),
  ),
  offsets: z.array(GroupPartitionLag),
  /** Sum of known partition lags. */
  totalLag: z.number(),
  topics: z.array(z.string()),
});
export type ConsumerGroup = z.infer<typeof ConsumerGroup>;

export const TailFrom = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latest') }).strict(),
  z.object({ kind: z.literal('earliest') }).strict(),
  /** Absolute offset, or negative for "N before the end" (like kcat -o -N). */
  z.object({ kind: z.literal('offset'), offset: Offset }).strict(),
  /** Epoch milliseconds or an ISO date: the first message at or after it. */
  z.object({ kind: z.literal('timestamp'), at: z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })]) }).strict(),
]);
export type TailFrom = z.infer<typeof TailFrom>;

export const TailFilter = z
  .object({
    /** Key or value contains this text (case-insensitive). */
    text: z.string().min(1).optional(),
    /** Key contains this text (case-insensitive). */
    key: z.string().min(1).optional(),
    /** A JSON path into the value: `$.level`, `kubernetes.pod`, `items[0].id`. */
    jsonPath: z.string().min(1).optional(),
    /** With jsonPath: the value there must equal this (as text); without it the path must exist. */
    jsonEquals: z.string().optional(),
  })
  .strict();
export type TailFilter = z.infer<typeof TailFilter>;

export const TailState = z.enum(['starting', 'running', 'paused', 'waiting', 'reconnecting', 'ended', 'stopped', 'failed']);
export type TailState = z.infer<typeof TailState>;

export const TailStatus = z.object({
  tailId: z.string(),
  topic: z.string(),
  state: TailState,
  /** Why the tail is in this state, in one line. */
  reason: z.string(),
  error: ErrorInfo.optional(),
  startedAt: z.number(),
  /** Messages read from Kafka. */
  scanned: z.number(),
  /** Messages that passed the filter and were sent (or are queued) to the UI. */
  matched: z.number(),
  /** Messages the receiver acknowledged. */
  acknowledged: z.number(),
  /**
   * Always 0: when the receiver falls behind, the backend stops fetching (state "waiting")
   * instead of dropping; reported so the UI can say so.
   */
  dropped: z.number(),
  /** Total time spent waiting for the receiver to catch up. */
  waitedMs: z.number(),
  /** Messages the backend holds now (read, not yet acknowledged), and the most it ever held: bounded by its window. */
  held: z.number(),
  peakHeld: z.number(),
  /** Duplicates suppressed after a reconnect (offsets already shown). */
  duplicatesSkipped: z.number(),
  /** Per partition: the next offset the tail will read, and the high watermark when last known. */
  positions: z.array(z.object({ partition: z.number(), next: Offset, end: Offset.nullable() })),
  /** With until "end": the high watermarks the tail stops at. */
  stopAt: z.array(z.object({ partition: z.number(), offset: Offset })).nullable(),
});
export type TailStatus = z.infer<typeof TailStatus>;

export const KafkaMessage = z.object({
  partition: z.number(),
  offset: Offset,
  /** Epoch milliseconds (CreateTime or LogAppendTime). */
  timestamp: z.number(),
  key: z.string().nullable(),
  value: z.string().nullable(),
  /** utf8 unless the bytes are not valid UTF-8, then base64. */
  encoding: z.enum(['utf8', 'base64']),
  headers: z.record(z.string(), z.string()),
  /** Size of the value in bytes as stored in Kafka. */
  size: z.number(),
  /** True when `value` was cut at the tail's maxValueBytes. */
  truncated: z.boolean(),
});
export type KafkaMessage = z.infer<typeof KafkaMessage>;

export const TailStartRequest = z
  .object({
    /** Chosen by the receiver so it can match batches that arrive before this call answers. */
    tailId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{4,64}$/, 'a tail id is 4–64 letters, digits, "_" or "-"')
      .optional(),
    topic: TopicName,
    from: TailFrom.default({ kind: 'latest' }),
    /** Only this partition (default: all). */
    partition: z.number().int().nonnegative().optional(),
    filter: TailFilter.default({}),
    /** "end": stop at the high watermarks of when the tail started (like kcat -e). */
    until: z.enum(['follow', 'end']).default('follow'),
    /** Stop after this many matching messages. */
    max: z.number().int().positive().optional(),
    /** Cut values longer than this many bytes (null: never); the UI keeps previews small. */
    maxValueBytes: z.number().int().positive().nullable().default(65_536),
    /** The tail stops when no tailAck arrives for this long (the UI pings every 15 s). */
    leaseMs: z.number().int().min(5_000).max(3_600_000).default(60_000),
  })
  .strict();
export type TailStartRequest = z.input<typeof TailStartRequest>;

const tailId = z.object({ tailId: z.string().min(1) }).strict();

export const ProduceMessage = z
  .object({
    key: z.string().optional(),
    value: z.string(),
    headers: z.record(z.string().min(1), z.string()).default({}),
    /** A partition number; without it Kafka's default partitioner places the message (by key). */
    partition: z.number().int().nonnegative().optional(),
  })
  .strict();
export type ProduceMessage = z.input<typeof ProduceMessage>;

export const ProduceResult = z.object({ topic: z.string(), partition: z.number(), offset: Offset });
export type ProduceResult = z.infer<typeof ProduceResult>;

export const kafkaChannels = {
  'kafka:getConnection': { request: empty, response: KafkaConnection },
  'kafka:setConnection': {
    request: z
      .object({
        mode: z.enum(['auto', 'direct']),
        brokers: z.array(BrokerAddress).default([]),
        /** false: use for this session only (CLI --kafka-brokers); true: save to kafka.json. */
        save: z.boolean().default(true),
      })
      .strict()
      .refine((r) => r.mode === 'auto' || r.brokers.length > 0, {
        message: 'direct mode needs at least one broker address',
        path: ['brokers'],
      }),
    response: KafkaConnection,
  },
  'kafka:cluster': { request: empty, response: KafkaCluster },
  'kafka:listTopics': {
    request: z
      .object({ internal: z.boolean().default(false) })
      .strict()
      .default({ internal: false }),
    response: z.object({ topics: z.array(TopicInfo), sampledAt: z.number() }),
  },
  'kafka:describeTopic': {
    request: z.object({ topic: TopicName }).strict(),
    response: z.object({ topic: TopicInfo, configs: z.array(TopicConfigEntry) }),
  },
  'kafka:createTopic': {
    request: z
      .object({
        topic: TopicName,
        partitions: z.number().int().min(1).max(10_000).default(1),
        /** Omit for the broker's default.replication.factor. */
        replicationFactor: z.number().int().min(1).max(32).optional(),
        configs: z.record(z.string().min(1), z.string()).default({}),
      })
      .strict(),
    response: TopicInfo,
  },
  'kafka:deleteTopic': {
    request: z
      .object({ topic: TopicName, confirm: z.string() })
      .strict()
      .refine((r) => r.confirm === r.topic, { message: 'type the topic name to confirm deleting it', path: ['confirm'] }),
    response: z.object({ deleted: z.string() }),
  },
  'kafka:listGroups': {
    request: z
      .object({ internal: z.boolean().default(false) })
      .strict()
      .default({ internal: false }),
    response: z.array(ConsumerGroup),
  },
  'kafka:tailStart': { request: TailStartRequest, response: TailStatus },
  /** Acknowledges every batch up to `seq` (flow control) and renews the tail's lease. */
  'kafka:tailAck': {
    request: z.object({ tailId: z.string().min(1), seq: z.number().int().nonnegative() }).strict(),
    response: z.object({ state: TailState }),
  },
  'kafka:tailPause': { request: tailId, response: TailStatus },
  'kafka:tailResume': { request: tailId, response: TailStatus },
  'kafka:tailStop': { request: tailId, response: TailStatus },
  'kafka:produce': {
    request: z
      .object({
        topic: TopicName,
        /** json: each value must parse as JSON (checked before anything is sent). */
        format: z.enum(['json', 'text']).default('json'),
        messages: z.array(ProduceMessage).min(1).max(10_000),
      })
      .strict(),
    response: z.array(ProduceResult),
  },
} as const satisfies ChannelMap;

export const kafkaEvents = {
  /** A batch of tail messages (every ~100 ms or 500 messages, never one event per message). */
  'kafka:messages': z.object({
    tailId: z.string(),
    /** 1, 2, 3… per tail; acknowledge with kafka:tailAck. */
    seq: z.number(),
    messages: z.array(KafkaMessage),
    scanned: z.number(),
    matched: z.number(),
  }),
  'kafka:tailStatus': TailStatus,
} as const satisfies EventMap;
