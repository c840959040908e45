// The Logs pane's slice: the saved Vector URL and templates, the composer's last send, the
// generator run (live from `logs:generator`), the anomaly producer, the trace (live from
// `logs:traceProgress`) and the canary (live from `logs:canary`, also shown in the top bar).
import type { StateCreator } from 'zustand';
import type { ErrorPayload } from '#contract/errors.js';
import type {
  AnomalyRequest,
  AnomalyResult,
  CanaryRequest,
  CanaryStatus,
  GeneratorSpecInput,
  GeneratorStatus,
  LogEvent,
  LogPayload,
  LogsState,
  SendResult,
  TraceResult,
} from '#contract/logs.js';
import { invoke } from '../../bridge.js';
import type { Status, Store } from '../../store/index.js';
import { attempt, patcherFor } from '../../store/slice-helpers.js';

export interface LogsSliceState {
  state: LogsState | null;
  status: Status;
  lastError: ErrorPayload | null;
  send: { sending: boolean; result: SendResult | null; error: ErrorPayload | null; history: Array<SendResult & { at: number }> };
  run: GeneratorStatus | null;
  runError: ErrorPayload | null;
  anomaly: { sending: boolean; result: AnomalyResult | null; error: ErrorPayload | null };
  trace: { running: boolean; result: TraceResult | null; error: ErrorPayload | null };
  canary: CanaryStatus | null;
  canaryError: ErrorPayload | null;
  /** One-line outcome of the last action, for a polite live region. */
  flash: string | null;
}

export interface LogsSlice {
  logs: LogsSliceState;
  loadLogs(): Promise<void>;
  logsSetVectorUrl(url: string | null): Promise<boolean>;
  logsSaveTemplate(name: string, description: string, event: LogEvent): Promise<boolean>;
  logsDeleteTemplate(name: string): Promise<void>;
  logsSend(events: LogPayload): Promise<void>;
  logsStartGenerator(spec: GeneratorSpecInput): Promise<void>;
  logsStopGenerator(): Promise<void>;
  logsSendAnomaly(request: AnomalyRequest): Promise<void>;
  logsTrace(request?: { timeoutMs?: number }): Promise<void>;
  logsStartCanary(request: CanaryRequest): Promise<void>;
  logsStopCanary(): Promise<void>;
  logsGeneratorChanged(status: GeneratorStatus): void;
  logsTraceProgress(result: TraceResult): void;
  logsCanaryChanged(status: CanaryStatus): void;
}

const HISTORY = 20;

export const createLogsSlice: StateCreator<Store, [], [], LogsSlice> = (set, get) => {
  const patch = patcherFor(set, 'logs');
  const failed = (lastError: ErrorPayload) => patch({ lastError });
  const runFailed = (runError: ErrorPayload) => patch({ runError });
  const canaryFailed = (canaryError: ErrorPayload) => patch({ canaryError });

  return {
    logs: {
      state: null,
      status: 'idle',
      lastError: null,
      send: { sending: false, result: null, error: null, history: [] },
      run: null,
      runError: null,
      anomaly: { sending: false, result: null, error: null },
      trace: { running: false, result: null, error: null },
      canary: null,
      canaryError: null,
      flash: null,
    },
    async loadLogs() {
      patch({ status: 'loading' });
      await attempt(
        async () => {
          const [state, run, canary] = await Promise.all([
            invoke('logs:state'),
            invoke('logs:generatorStatus'),
            invoke('logs:canaryStatus'),
          ]);
          // A run event newer than this answer wins.
          patch((logs) => ({
            state,
            run: logs.run && run && logs.run.id === run.id && logs.run.elapsedMs > run.elapsedMs ? logs.run : run,
            canary,
            status: 'ready',
            lastError: null,
          }));
        },
        (lastError) => patch({ status: 'error', lastError }),
      );
    },
    logsSetVectorUrl(url) {
      return attempt(async () => {
        const state = await invoke('logs:setVectorUrl', { vectorUrl: url });
        patch({ state, lastError: null, flash: url ? `Vector URL saved: ${url}` : "Vector URL cleared: using the stack's forward" });
      }, failed);
    },
    logsSaveTemplate(name, description, event) {
      return attempt(async () => {
        const state = await invoke('logs:saveTemplate', { name, description, event });
        patch({ state, lastError: null, flash: `Template ${name} saved` });
      }, failed);
    },
    async logsDeleteTemplate(name) {
      await attempt(async () => {
        const state = await invoke('logs:deleteTemplate', { name });
        patch({ state, lastError: null, flash: `Template ${name} deleted` });
      }, failed);
    },
    async logsSend(events) {
      patch((logs) => ({ send: { ...logs.send, sending: true, error: null } }));
      await attempt(
        async () => {
          const result = await invoke('logs:send', { events });
          patch((logs) => ({
            send: { sending: false, result, error: null, history: [{ ...result, at: Date.now() }, ...logs.send.history].slice(0, HISTORY) },
            flash: `Sent ${result.count} event(s): HTTP ${result.status}`,
          }));
        },
        (error) => patch((logs) => ({ send: { ...logs.send, sending: false, error } })),
      );
    },
    async logsStartGenerator(spec) {
      patch({ runError: null });
      await attempt(async () => patch({ run: await invoke('logs:generatorStart', spec) }), runFailed);
    },
    async logsStopGenerator() {
      const id = get().logs.run?.id;
      if (id) await attempt(async () => get().logsGeneratorChanged(await invoke('logs:generatorStop', { id })), runFailed);
    },
    async logsSendAnomaly(request) {
      patch({ anomaly: { sending: true, result: null, error: null } });
      await attempt(
        async () => {
          const result = await invoke('logs:sendAnomaly', request);
          patch({
            anomaly: { sending: false, result, error: null },
            flash: `Anomaly ${result.event.anomaly_id} produced to ${result.topic}`,
          });
        },
        (error) => patch({ anomaly: { sending: false, result: null, error } }),
      );
    },
    async logsTrace(request = {}) {
      patch({ trace: { running: true, result: null, error: null } });
      await attempt(
        async () => patch({ trace: { running: false, result: await invoke('logs:trace', request), error: null } }),
        (error) => patch((logs) => ({ trace: { ...logs.trace, running: false, error } })),
      );
    },
    async logsStartCanary(request) {
      patch({ canaryError: null });
      await attempt(async () => patch({ canary: await invoke('logs:canaryStart', request) }), canaryFailed);
    },
    async logsStopCanary() {
      await attempt(async () => patch({ canary: await invoke('logs:canaryStop') }), canaryFailed);
    },
    logsGeneratorChanged(status) {
      patch((logs) =>
        logs.run && logs.run.id === status.id && logs.run.elapsedMs > status.elapsedMs && logs.run.state === status.state
          ? {}
          : { run: status },
      );
    },
    logsTraceProgress(result) {
      patch((logs) =>
        logs.trace.running && (!logs.trace.result || logs.trace.result.traceId === result.traceId || logs.trace.result.state === 'complete')
          ? { trace: { ...logs.trace, result } }
          : {},
      );
    },
    logsCanaryChanged(status) {
      patch({ canary: status });
    },
  };
};
