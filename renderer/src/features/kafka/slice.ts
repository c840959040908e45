// The Kafka pane's slice: connection, topics (polled for rates), consumer groups, one live tail and
// the producer. Tail messages live outside the store in a capped ring (tail-buffer.ts); the store
// only carries counters and a version, updated at most every 100 ms.
import type { StateCreator } from 'zustand';
import type { ErrorPayload } from '#contract/errors.js';
import type {
  ConsumerGroup,
  KafkaCluster,
  KafkaConnection,
  KafkaMessage,
  ProduceMessage,
  ProduceResult,
  TailStatus,
  TopicConfigEntry,
  TopicInfo,
} from '#contract/kafka.js';
import { invoke, on } from '../../bridge.js';
import type { Status, Store } from '../../store/index.js';
import { attempt, patcherFor } from '../../store/slice-helpers.js';
import { tailBuffer } from './tail-buffer.js';
import type { TailSettings } from './tail-settings.js';

export type KafkaTab = 'topics' | 'groups' | 'tail' | 'produce';

export type { TailSettings } from './tail-settings.js';

export interface KafkaState {
  tab: KafkaTab;
  connection: KafkaConnection | null;
  cluster: KafkaCluster | null;
  status: Status;
  lastError: ErrorPayload | null;
  topics: TopicInfo[];
  topicsAt: number | null;
  showInternal: boolean;
  selectedTopic: string | null;
  detail: { topic: TopicInfo; configs: TopicConfigEntry[] } | null;
  detailError: ErrorPayload | null;
  groups: ConsumerGroup[];
  groupsStatus: Status;
  groupsError: ErrorPayload | null;
  groupsAt: number | null;
  tail: {
    id: string | null;
    settings: TailSettings | null;
    status: TailStatus | null;
    error: ErrorPayload | null;
    /** Bumped when the ring changes (throttled); components read the ring itself. */
    version: number;
    shown: number;
    total: number;
    /** Counters from the latest batch (fresher than the once-a-second status). */
    scanned: number;
    matched: number;
    selected: KafkaMessage | null;
  };
  /** The topic the tail form starts with ("Tail this topic"). */
  tailTopic: string;
  produce: { topic: string; results: ProduceResult[] | null; error: ErrorPayload | null; sending: boolean };
  /** One-line outcome of the last action (created, deleted…), for a polite live region. */
  flash: string | null;
}

export interface KafkaSlice {
  kafka: KafkaState;
  kafkaSetTab(tab: KafkaTab): void;
  kafkaLoadConnection(): Promise<void>;
  kafkaSetConnection(request: { mode: 'auto' | 'direct'; brokers: string[]; save: boolean }): Promise<boolean>;
  kafkaRefreshTopics(): Promise<void>;
  kafkaSetShowInternal(show: boolean): void;
  kafkaSelectTopic(topic: string | null): Promise<void>;
  kafkaCreateTopic(request: { topic: string; partitions: number; replicationFactor?: number }): Promise<boolean>;
  kafkaDeleteTopic(topic: string, confirm: string): Promise<boolean>;
  kafkaRefreshGroups(): Promise<void>;
  kafkaStartTail(settings: TailSettings): Promise<void>;
  kafkaStopTail(): Promise<void>;
  kafkaPauseTail(): Promise<void>;
  kafkaResumeTail(): Promise<void>;
  kafkaClearTail(): void;
  kafkaSelectMessage(message: KafkaMessage | null): void;
  kafkaSetProduceTopic(topic: string): void;
  kafkaOpenTail(topic: string): void;
  kafkaProduce(request: { topic: string; format: 'json' | 'text'; message: ProduceMessage }): Promise<boolean>;
}

const INITIAL: KafkaState = {
  tab: 'topics',
  connection: null,
  cluster: null,
  status: 'idle',
  lastError: null,
  topics: [],
  topicsAt: null,
  showInternal: false,
  selectedTopic: null,
  detail: null,
  detailError: null,
  groups: [],
  groupsStatus: 'idle',
  groupsError: null,
  groupsAt: null,
  tail: { id: null, settings: null, status: null, error: null, version: 0, shown: 0, total: 0, scanned: 0, matched: 0, selected: null },
  tailTopic: '',
  produce: { topic: '', results: null, error: null, sending: false },
  flash: null,
};

const FINAL_STATES = new Set(['ended', 'stopped', 'failed']);

export const createKafkaSlice: StateCreator<Store, [], [], KafkaSlice> = (set, get) => {
  const patch = patcherFor(set, 'kafka');
  const patchTail = (update: Partial<KafkaState['tail']>) => patch((kafka) => ({ tail: { ...kafka.tail, ...update } }));
  const patchProduce = (update: Partial<KafkaState['produce']>) => patch((kafka) => ({ produce: { ...kafka.produce, ...update } }));
  const failed = (lastError: ErrorPayload) => patch({ lastError });
  const tailFailed = (error: ErrorPayload) => patchTail({ error });

  // Tail plumbing: one pair of listeners for the app's lifetime, attached on first use.
  let listening = false;
  let lastSeq = 0;
  let counts = { scanned: 0, matched: 0 };
  let renderTimer: ReturnType<typeof setTimeout> | null = null;
  let ping: ReturnType<typeof setInterval> | null = null;
  const scheduleRender = () => {
    renderTimer ??= setTimeout(() => {
      renderTimer = null;
      patchTail({ version: get().kafka.tail.version + 1, shown: tailBuffer.size, total: tailBuffer.total, ...counts });
    }, 100);
  };
  const stopPing = () => {
    if (ping) clearInterval(ping);
    ping = null;
  };
  const listen = () => {
    if (listening) return;
    listening = true;
    on('kafka:messages', (batch) => {
      const id = get().kafka.tail.id;
      if (batch.tailId !== id) return;
      tailBuffer.push(batch.messages);
      lastSeq = batch.seq;
      counts = { scanned: batch.scanned, matched: batch.matched };
      // In memory now: let the backend send more.
      void invoke('kafka:tailAck', { tailId: id, seq: batch.seq }).catch(() => undefined);
      scheduleRender();
    });
    on('kafka:tailStatus', (status) => {
      if (status.tailId !== get().kafka.tail.id) return;
      patchTail({ status, ...(status.error ? { error: status.error } : {}) });
      if (FINAL_STATES.has(status.state)) stopPing();
    });
    window.addEventListener('pagehide', () => {
      const id = get().kafka.tail.id;
      if (id && !FINAL_STATES.has(get().kafka.tail.status?.state ?? 'stopped'))
        void invoke('kafka:tailStop', { tailId: id }).catch(() => undefined);
    });
  };

  return {
    kafka: INITIAL,
    kafkaSetTab: (tab) => patch({ tab }),

    async kafkaLoadConnection() {
      await attempt(async () => patch({ connection: await invoke('kafka:getConnection') }), failed);
    },

    async kafkaSetConnection(request) {
      const saved = await attempt(async () => {
        const connection = await invoke('kafka:setConnection', request);
        tailBuffer.clear();
        patch({
          connection,
          lastError: null,
          topics: [],
          topicsAt: null,
          groups: [],
          detail: null,
          selectedTopic: null,
          cluster: null,
          tail: { ...INITIAL.tail },
        });
        await get().kafkaRefreshTopics();
      }, failed);
      // Connected means the new brokers answered the topic listing too.
      return saved && get().kafka.lastError === null;
    },

    async kafkaRefreshTopics() {
      patch({ status: get().kafka.topicsAt ? 'ready' : 'loading' });
      await attempt(
        async () => {
          const [{ topics, sampledAt }, cluster] = await Promise.all([
            invoke('kafka:listTopics', { internal: get().kafka.showInternal }),
            get().kafka.cluster ? Promise.resolve(get().kafka.cluster) : invoke('kafka:cluster'),
          ]);
          patch({ topics, topicsAt: sampledAt, cluster, status: 'ready', lastError: null });
        },
        (lastError) => patch({ status: 'error', lastError }),
      );
    },

    kafkaSetShowInternal(showInternal) {
      patch({ showInternal });
      void get().kafkaRefreshTopics();
    },

    async kafkaSelectTopic(topic) {
      patch({ selectedTopic: topic, detail: null, detailError: null });
      if (!topic) return;
      await attempt(
        async () => {
          const detail = await invoke('kafka:describeTopic', { topic });
          if (get().kafka.selectedTopic === topic) patch({ detail });
        },
        (detailError) => patch({ detailError }),
      );
    },

    kafkaCreateTopic(request) {
      return attempt(async () => {
        await invoke('kafka:createTopic', { ...request, configs: {} });
        patch({ flash: `Created topic ${request.topic}`, lastError: null });
        await get().kafkaRefreshTopics();
      }, failed);
    },

    kafkaDeleteTopic(topic, confirm) {
      return attempt(
        async () => {
          await invoke('kafka:deleteTopic', { topic, confirm });
          patch({ flash: `Deleted topic ${topic}`, selectedTopic: null, detail: null, lastError: null });
          await get().kafkaRefreshTopics();
        },
        (detailError) => patch({ detailError }),
      );
    },

    async kafkaRefreshGroups() {
      patch({ groupsStatus: get().kafka.groupsAt ? 'ready' : 'loading' });
      await attempt(
        async () => patch({ groups: await invoke('kafka:listGroups', {}), groupsAt: Date.now(), groupsStatus: 'ready', groupsError: null }),
        (groupsError) => patch({ groupsStatus: 'error', groupsError }),
      );
    },

    async kafkaStartTail(settings) {
      listen();
      // Replace the running tail without flashing its "stopped" state.
      const previous = get().kafka.tail;
      stopPing();
      if (previous.id && !(previous.status && FINAL_STATES.has(previous.status.state))) {
        await invoke('kafka:tailStop', { tailId: previous.id }).catch(() => undefined);
      }
      const id = `ui-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      tailBuffer.clear();
      lastSeq = 0;
      counts = { scanned: 0, matched: 0 };
      patchTail({
        id,
        settings,
        status: null,
        error: null,
        version: get().kafka.tail.version + 1,
        shown: 0,
        total: 0,
        scanned: 0,
        matched: 0,
        selected: null,
      });
      await attempt(
        async () => {
          const status = await invoke('kafka:tailStart', {
            tailId: id,
            topic: settings.topic,
            from: settings.from,
            filter: settings.filter,
            // Pinged every 15 s; generous because browsers throttle timers in background tabs.
            leaseMs: 180_000,
            ...(settings.partition === undefined ? {} : { partition: settings.partition }),
          });
          if (get().kafka.tail.id === id && (!get().kafka.tail.status || FINAL_STATES.has(status.state))) patchTail({ status });
          if (!FINAL_STATES.has(status.state)) {
            stopPing();
            // Renews the tail's lease while nothing arrives (it stops by itself if this window goes away).
            ping = setInterval(() => void invoke('kafka:tailAck', { tailId: id, seq: lastSeq }).catch(() => undefined), 15_000);
          }
        },
        (error) => patchTail({ error, id: null }),
      );
    },

    async kafkaStopTail() {
      const { id, status } = get().kafka.tail;
      stopPing();
      if (!id || (status && FINAL_STATES.has(status.state))) return;
      await attempt(async () => patchTail({ status: await invoke('kafka:tailStop', { tailId: id }) }), tailFailed);
    },

    async kafkaPauseTail() {
      const { id } = get().kafka.tail;
      if (id) await attempt(async () => patchTail({ status: await invoke('kafka:tailPause', { tailId: id }) }), tailFailed);
    },

    async kafkaResumeTail() {
      const { id } = get().kafka.tail;
      if (id) await attempt(async () => patchTail({ status: await invoke('kafka:tailResume', { tailId: id }) }), tailFailed);
    },

    kafkaClearTail() {
      tailBuffer.clear();
      patchTail({ version: get().kafka.tail.version + 1, shown: 0, total: 0, selected: null });
    },

    kafkaSelectMessage: (selected) => patchTail({ selected }),

    kafkaSetProduceTopic: (topic) => patchProduce({ topic }),
    kafkaOpenTail: (topic) => patch({ tab: 'tail', tailTopic: topic }),

    kafkaProduce({ topic, format, message }) {
      patchProduce({ sending: true, error: null });
      return attempt(
        async () => patchProduce({ results: await invoke('kafka:produce', { topic, format, messages: [message] }), sending: false }),
        (error) => patchProduce({ error, sending: false }),
      );
    },
  };
};
