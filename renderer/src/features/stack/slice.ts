// Stack pane state: the stack's status (releases, pods, the newest stack job and its step plan),
// the preflight report, the live log of the current job (history from `jobs:lines`, then
// `job:line` events), dev secrets and the install form.
import type { StateCreator } from 'zustand';
import { type ErrorPayload, type Job, type JobLine, toErrorPayload } from '../../../../electron/contract/index.js';
import type { DevSecret, PreflightReport, StackStatus, StackTarget, UpRequest } from '../../../../electron/contract/stack.js';
import { DEFAULT_CLUSTER } from '../../../../electron/contract/stack.js';
import { invoke } from '../../bridge.js';
import type { Store } from '../../store/index.js';

/** The live log keeps at most this many lines (the journal on disk keeps all). */
export const LOG_CAP = 5000;

export interface InstallForm {
  mode: 'kind' | 'existing';
  cluster: string;
  context: string;
  storageClass: string;
  overrides: string;
  /** How long each step waits for readiness; empty = the plan's 20m. */
  timeout: string;
}

export interface StackSlice {
  stack: {
    status: StackStatus | null;
    loading: boolean;
    lastError: ErrorPayload | null;
    preflight: PreflightReport | null;
    preflightRunning: boolean;
    /** Lines of `logJobId`, oldest first. */
    logJobId: string | null;
    lines: JobLine[];
    secrets: DevSecret[] | null;
    clusters: { kindAvailable: boolean; clusters: string[] } | null;
    form: InstallForm;
    busy: boolean;
  };
  loadStack(): Promise<void>;
  loadStackLog(jobId: string): Promise<void>;
  runPreflight(): Promise<void>;
  installStack(): Promise<void>;
  resumeStack(skip?: string[]): Promise<void>;
  cancelStack(): Promise<void>;
  uninstallStack(confirm: string): Promise<boolean>;
  deleteStackCluster(confirm: string, cluster: string): Promise<boolean>;
  loadStackSecrets(): Promise<void>;
  loadStackClusters(): Promise<void>;
  setInstallForm(patch: Partial<InstallForm>): void;
  stackLine(line: JobLine): void;
  stackChanged(): void;
}

export function formTarget(form: InstallForm): StackTarget {
  return form.mode === 'kind' ? { mode: 'kind', cluster: form.cluster || DEFAULT_CLUSTER } : { mode: 'existing', ...(form.context ? { context: form.context } : {}) };
}

export const createStackSlice: StateCreator<Store, [], [], StackSlice> = (set, get) => {
  const patch = (next: Partial<StackSlice['stack']>) => set((s) => ({ stack: { ...s.stack, ...next } }));
  const fail = (error: unknown) => patch({ lastError: toErrorPayload(error), busy: false });
  /** A job the backend answered with: show it at once, then refresh the plan and status. */
  const started = async (job: Job) => {
    get().jobChanged(job);
    const status = get().stack.status;
    if (status) patch({ status: { ...status, job } });
    if (get().stack.logJobId !== job.id) patch({ logJobId: job.id, lines: [] });
    patch({ busy: false, lastError: null });
    await get().loadStack();
    void get().loadContexts();
  };
  return {
    stack: {
      status: null,
      loading: false,
      lastError: null,
      preflight: null,
      preflightRunning: false,
      logJobId: null,
      lines: [],
      secrets: null,
      clusters: null,
      form: { mode: 'kind', cluster: DEFAULT_CLUSTER, context: '', storageClass: 'standard', overrides: '', timeout: '' },
      busy: false,
    },
    async loadStack() {
      patch({ loading: true });
      try {
        const status = await invoke('stack:status', {});
        patch({ status, loading: false, lastError: null });
        if (status.job) {
          get().jobChanged(status.job);
          if (get().stack.logJobId !== status.job.id) await get().loadStackLog(status.job.id);
        }
      } catch (error) {
        patch({ loading: false });
        fail(error);
      }
    },
    async loadStackLog(jobId) {
      const history = await invoke('jobs:lines', { id: jobId, tail: LOG_CAP }).catch(() => [] as JobLine[]);
      set((s) => {
        // Lines that arrived by event while the history loaded are kept, once.
        const live = s.stack.logJobId === jobId ? s.stack.lines : [];
        const last = history.at(-1)?.at ?? 0;
        return { stack: { ...s.stack, logJobId: jobId, lines: [...history, ...live.filter((line) => line.at > last)].slice(-LOG_CAP) } };
      });
    },
    async runPreflight() {
      patch({ preflightRunning: true });
      try {
        patch({ preflight: await invoke('stack:preflight', { target: formTarget(get().stack.form) }), preflightRunning: false, lastError: null });
      } catch (error) {
        patch({ preflightRunning: false });
        fail(error);
      }
    },
    async installStack() {
      const { form } = get().stack;
      patch({ busy: true });
      const request: UpRequest = {
        target: formTarget(form),
        storageClass: form.storageClass || 'standard',
        ...(form.overrides.trim() ? { overrides: form.overrides } : {}),
        ...(form.timeout.trim() ? { timeout: form.timeout.trim() } : {}),
      };
      // Checks the person has seen fail and chose to go ahead with.
      const accepted = (get().stack.preflight?.checks ?? []).filter((check) => check.status === 'fail').map((check) => check.id);
      try {
        await started(await invoke('stack:up', { ...request, ignorePreflight: accepted }));
      } catch (error) {
        fail(error);
      }
    },
    async resumeStack(skip = []) {
      const job = get().stack.status?.job;
      if (!job) return;
      patch({ busy: true });
      try {
        await started(await invoke('stack:resume', { id: job.id, skip }));
      } catch (error) {
        fail(error);
      }
    },
    async cancelStack() {
      const job = get().stack.status?.job;
      if (!job) return;
      try {
        get().jobChanged(await invoke('jobs:cancel', { id: job.id }));
      } catch (error) {
        fail(error);
      }
    },
    async uninstallStack(confirm) {
      patch({ busy: true });
      try {
        await started(await invoke('stack:down', { confirm, deleteCluster: false }));
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    },
    async deleteStackCluster(confirm, cluster) {
      patch({ busy: true });
      try {
        await started(await invoke('stack:down', { confirm, cluster, deleteCluster: true }));
        return true;
      } catch (error) {
        fail(error);
        return false;
      }
    },
    async loadStackSecrets() {
      try {
        patch({ secrets: (await invoke('stack:secrets', {})).secrets });
      } catch (error) {
        fail(error);
      }
    },
    async loadStackClusters() {
      try {
        patch({ clusters: await invoke('stack:clusters', {}) });
      } catch {
        patch({ clusters: { kindAvailable: false, clusters: [] } });
      }
    },
    setInstallForm: (next) => set((s) => ({ stack: { ...s.stack, form: { ...s.stack.form, ...next } } })),
    stackLine(line) {
      set((s) => {
        if (line.jobId !== s.stack.logJobId) return s;
        const lines = s.stack.lines.length >= LOG_CAP ? [...s.stack.lines.slice(-(LOG_CAP - 1)), line] : [...s.stack.lines, line];
        return { stack: { ...s.stack, lines } };
      });
    },
    stackChanged() {
      void get().loadStack();
      // An install may have pointed the app at its new kind cluster (or a delete away from it).
      void get().loadContexts();
      if (get().stack.secrets !== null) void get().loadStackSecrets();
    },
  };
};
