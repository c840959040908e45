// Stack pane state: the stack's status (releases, pods, the newest stack job and its step plan),
// the preflight report, the live log of the current job (history from `jobs:lines`, then
// `job:line` events), dev secrets, and the install form with its profiles' footprints.
import type { StateCreator } from 'zustand';
import type { ErrorPayload, Job, JobLine } from '#contract/index.js';
import type { RealityProgress } from '#contract/images.js';
import type { DevSecret, PreflightReport, ProfilesReport, StackStatus, StackTarget, UpRequest } from '#contract/stack.js';
import { DEFAULT_CLUSTER, DEFAULT_PROFILE } from '#contract/stack.js';
import { invoke } from '../../bridge.js';
import type { Store } from '../../store/index.js';
import { attempt, patcherFor } from '../../store/slice-helpers.js';

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
  profile: string;
  /** The chosen profile's toggles that are on. */
  toggles: string[];
}

export interface StackSlice {
  stack: {
    status: StackStatus | null;
    loading: boolean;
    lastError: ErrorPayload | null;
    preflight: PreflightReport | null;
    preflightRunning: boolean;
    /** How far the running preflight's reality check is (images and charts answered of all). */
    realityProgress: RealityProgress | null;
    /** Every profile's footprint for the form's toggles and overrides; the last answer stays while the next loads. */
    profiles: ProfilesReport | null;
    profilesLoading: boolean;
    profilesError: ErrorPayload | null;
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
  loadProfiles(): Promise<void>;
  /** Starts (or resumes) the install; acceptCharts: charts without a digest the person accepted (UpRequest.acceptCharts). */
  installStack(acceptCharts?: string[]): Promise<void>;
  resumeStack(skip?: string[]): Promise<void>;
  cancelStack(): Promise<void>;
  uninstallStack(confirm: string): Promise<boolean>;
  deleteStackCluster(confirm: string, cluster: string): Promise<boolean>;
  loadStackSecrets(): Promise<void>;
  loadStackClusters(): Promise<void>;
  setInstallForm(patch: Partial<InstallForm>): void;
  stackLine(line: JobLine): void;
  stackChanged(): void;
  realityProgressed(progress: RealityProgress): void;
}

export function formTarget(form: InstallForm): StackTarget {
  return form.mode === 'kind'
    ? { mode: 'kind', cluster: form.cluster || DEFAULT_CLUSTER }
    : { mode: 'existing', ...(form.context ? { context: form.context } : {}) };
}

/**
 * What the form would install: the profile, those of the toggles it has (the others stay chosen
 * for when the person switches back), and the overrides.
 */
function formSelection(form: InstallForm, profiles: ProfilesReport | null) {
  const known = profiles?.profiles.find((profile) => profile.name === form.profile)?.toggles.map((toggle) => toggle.name);
  return {
    profile: form.profile,
    toggles: known ? form.toggles.filter((name) => known.includes(name)) : form.toggles,
    ...(form.overrides.trim() ? { overrides: form.overrides } : {}),
  };
}

export const createStackSlice: StateCreator<Store, [], [], StackSlice> = (set, get) => {
  const patch = patcherFor(set, 'stack');
  // Answers can overtake each other while toggles are clicked: only the newest request's is kept.
  let profilesAsked = 0;
  const failed = (lastError: ErrorPayload) => patch({ lastError, busy: false });
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
      realityProgress: null,
      profiles: null,
      profilesLoading: false,
      profilesError: null,
      logJobId: null,
      lines: [],
      secrets: null,
      clusters: null,
      form: {
        mode: 'kind',
        cluster: DEFAULT_CLUSTER,
        context: '',
        storageClass: 'standard',
        overrides: '',
        timeout: '',
        profile: DEFAULT_PROFILE,
        toggles: [],
      },
      busy: false,
    },
    async loadStack() {
      patch({ loading: true });
      await attempt(
        async () => {
          const status = await invoke('stack:status', {});
          patch({ status, loading: false, lastError: null });
          if (status.job) {
            get().jobChanged(status.job);
            if (get().stack.logJobId !== status.job.id) await get().loadStackLog(status.job.id);
          }
        },
        (lastError) => patch({ loading: false, lastError, busy: false }),
      );
    },
    async loadStackLog(jobId) {
      const history = await invoke('jobs:lines', { id: jobId, tail: LOG_CAP }).catch(() => [] as JobLine[]);
      patch((stack) => {
        // Lines that arrived by event while the history loaded are kept, once.
        const live = stack.logJobId === jobId ? stack.lines : [];
        const last = history.at(-1)?.at ?? 0;
        return { logJobId: jobId, lines: [...history, ...live.filter((line) => line.at > last)].slice(-LOG_CAP) };
      });
    },
    async runPreflight() {
      patch({ preflightRunning: true, realityProgress: null });
      await attempt(
        async () =>
          patch({
            // Before anything is created: also ask every image's registry and operator chart's repository.
            preflight: await invoke('stack:preflight', {
              target: formTarget(get().stack.form),
              ...formSelection(get().stack.form, get().stack.profiles),
              reality: true,
            }),
            preflightRunning: false,
            realityProgress: null,
            lastError: null,
          }),
        (lastError) => patch({ preflightRunning: false, realityProgress: null, lastError, busy: false }),
      );
    },
    async loadProfiles() {
      const asked = ++profilesAsked;
      const { form } = get().stack;
      const overrides = form.overrides.trim() ? { overrides: form.overrides } : {};
      patch({ profilesLoading: true });
      const current = () => asked === profilesAsked;
      await attempt(
        async () => {
          const profiles = await invoke('stack:profiles', { target: formTarget(form), toggles: form.toggles, ...overrides });
          if (current()) patch({ profiles, profilesLoading: false, profilesError: null });
        },
        (profilesError) => current() && patch({ profilesLoading: false, profilesError }),
      );
    },
    async installStack(acceptCharts = []) {
      const { form } = get().stack;
      patch({ busy: true });
      const request: UpRequest = {
        target: formTarget(form),
        storageClass: form.storageClass || 'standard',
        ...formSelection(form, get().stack.profiles),
        ...(form.timeout.trim() ? { timeout: form.timeout.trim() } : {}),
      };
      // Checks the person has seen fail and chose to go ahead with; accepting charts answers the charts
      // check instead of skipping it, so it still stops the install for anything else it finds.
      const accepted = (get().stack.preflight?.checks ?? [])
        .filter((check) => check.status === 'fail' && !(acceptCharts.length && check.accept))
        .map((check) => check.id);
      await attempt(async () => started(await invoke('stack:up', { ...request, ignorePreflight: accepted, acceptCharts })), failed);
    },
    async resumeStack(skip = []) {
      const job = get().stack.status?.job;
      if (!job) return;
      patch({ busy: true });
      await attempt(async () => started(await invoke('stack:resume', { id: job.id, skip })), failed);
    },
    async cancelStack() {
      const job = get().stack.status?.job;
      if (job) await attempt(async () => get().jobChanged(await invoke('jobs:cancel', { id: job.id })), failed);
    },
    uninstallStack(confirm) {
      patch({ busy: true });
      return attempt(async () => started(await invoke('stack:down', { confirm, deleteCluster: false })), failed);
    },
    deleteStackCluster(confirm, cluster) {
      patch({ busy: true });
      return attempt(async () => started(await invoke('stack:down', { confirm, cluster, deleteCluster: true })), failed);
    },
    async loadStackSecrets() {
      await attempt(async () => patch({ secrets: (await invoke('stack:secrets', {})).secrets }), failed);
    },
    async loadStackClusters() {
      // Without kind (or its clusters) the form still takes a name for a new cluster.
      await attempt(
        async () => patch({ clusters: await invoke('stack:clusters', {}) }),
        () => patch({ clusters: { kindAvailable: false, clusters: [] } }),
      );
    },
    setInstallForm: (next) => patch((stack) => ({ form: { ...stack.form, ...next } })),
    stackLine(line) {
      // Lines of other jobs (a CLI run, an older job) are not the log shown.
      if (line.jobId !== get().stack.logJobId) return;
      patch((stack) => ({ lines: stack.lines.length >= LOG_CAP ? [...stack.lines.slice(-(LOG_CAP - 1)), line] : [...stack.lines, line] }));
    },
    realityProgressed(progress) {
      // Only while this window's preflight runs (a CLI preflight elsewhere sends them too).
      if (get().stack.preflightRunning) patch({ realityProgress: progress });
    },
    stackChanged() {
      void get().loadStack();
      // An install may have pointed the app at its new kind cluster (or a delete away from it).
      void get().loadContexts();
      if (get().stack.secrets !== null) void get().loadStackSecrets();
    },
  };
};
