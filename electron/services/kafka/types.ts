// The Kafka client as the rest of the app sees it: plain types, no kafkajs. adapter.ts is the only
// module that knows kafkajs; swapping the library means rewriting that one file.

export interface KafkaConnectOptions {
  /** Bootstrap addresses, host:port. */
  brokers: string[];
  /** Advertised broker address → local forward address (the discovered, port-forwarded path). */
  addressMap?: Record<string, string>;
  clientId?: string;
  /** Per-connection TCP connect timeout. */
  connectionTimeoutMs?: number;
}

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
}

export interface TopicMetadata {
  name: string;
  partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>;
}

export interface Watermark {
  partition: number;
  low: string;
  high: string;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  isDefault: boolean;
  isSensitive: boolean;
  readOnly: boolean;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: Array<{ memberId: string; clientId: string; clientHost: string; assignments: Array<{ topic: string; partitions: number[] }> }>;
}

export interface RawMessage {
  partition: number;
  offset: string;
  /** Epoch milliseconds as Kafka sends them (a decimal string). */
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface RawBatch {
  partition: number;
  messages: RawMessage[];
  /** The partition's high watermark when fetched. */
  highWatermark: string;
}

export interface OutgoingMessage {
  key?: string;
  value: string;
  headers?: Record<string, string>;
  partition?: number;
}

export type ConsumerEvent =
  { type: 'joined'; partitions: number[] } | { type: 'crashed'; error: unknown; restarting: boolean } | { type: 'stopped' };

export interface ConsumeOptions {
  topic: string;
  /** A private group: nothing is committed, so it leaves no offsets behind. */
  groupId: string;
  /** Only this partition (the others are paused). */
  partition?: number;
  /** The next offset to read per partition; consulted at every (re)join, so reconnects resume exactly. */
  position(partition: number): string | undefined;
  /** Called with each fetched batch, one partition at a time; may wait (backpressure, pause). */
  onBatch(batch: RawBatch, heartbeat: () => Promise<void>): Promise<void>;
  onEvent(event: ConsumerEvent): void;
}

export interface ConsumerHandle {
  stop(): Promise<void>;
}

export interface KafkaClient {
  /** The addresses the client was given and where each connection actually went. */
  readonly connection: {
    brokers: string[];
    mapped: boolean;
    resolve(address: string): string | null;
    /** Recent sockets: the address the client asked for and where it really connected (null: refused). */
    readonly sockets: ReadonlyArray<{ requested: string; connected: string | null }>;
  };
  describeCluster(): Promise<{ clusterId: string; controller: number | null; brokers: BrokerNode[] }>;
  listTopicNames(): Promise<string[]>;
  topicMetadata(topics?: string[]): Promise<TopicMetadata[]>;
  watermarks(topic: string): Promise<Watermark[]>;
  /** Per partition, the first offset whose timestamp is at or after `ms` (the high watermark if none). */
  offsetsAt(topic: string, ms: number): Promise<Array<{ partition: number; offset: string }>>;
  topicConfigs(topic: string): Promise<ConfigEntry[]>;
  createTopic(request: { topic: string; partitions: number; replicationFactor?: number; configs: Record<string, string> }): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  listGroups(): Promise<Array<{ groupId: string; protocolType: string }>>;
  describeGroups(groupIds: string[]): Promise<GroupDescription[]>;
  committedOffsets(groupId: string): Promise<Array<{ topic: string; partition: number; offset: string }>>;
  /** Sends in order; returns each message's partition and offset. */
  produce(topic: string, messages: OutgoingMessage[]): Promise<Array<{ partition: number; offset: string }>>;
  consume(options: ConsumeOptions): Promise<ConsumerHandle>;
  close(): Promise<void>;
}
