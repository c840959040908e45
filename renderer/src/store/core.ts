// The app-wide slice: navigation, app info, tools, settings, kube contexts and jobs.
import type { StateCreator } from 'zustand';
import type { AppInfo, ErrorPayload, Job, KubeContexts, Settings, SettingsPatch, ToolReport } from '#contract/index.js';
import { invoke } from '../bridge.js';
import { attempt, patcherFor } from './slice-helpers.js';
import type { Store } from './index.js';

export type Status = 'idle' | 'loading' | 'ready' | 'error';
export type View = 'stack' | 'forwards' | 'logs' | 'kafka' | 'search' | 'doctor' | 'prerequisites' | 'settings';

interface AppSlice {
  view: View;
  info: AppInfo | null;
  paletteOpen: boolean;
  setView(view: View): void;
  setPaletteOpen(open: boolean): void;
  loadInfo(): Promise<void>;
}

interface ToolsSlice {
  tools: { reports: ToolReport[]; status: Status; lastError: ErrorPayload | null; checkedAt: number | null };
  detectTools(): Promise<void>;
}

interface SettingsSlice {
  settings: { value: Settings | null; status: Status; lastError: ErrorPayload | null };
  loadSettings(): Promise<void>;
  updateSettings(patch: SettingsPatch): Promise<boolean>;
  settingsChanged(value: Settings): void;
}

interface KubeSlice {
  kube: { contexts: KubeContexts | null; lastError: ErrorPayload | null };
  loadContexts(): Promise<void>;
  switchContext(name: string): Promise<void>;
}

interface JobsSlice {
  jobs: { list: Job[] };
  loadJobs(): Promise<void>;
  jobChanged(job: Job): void;
}

export type CoreSlice = AppSlice & ToolsSlice & SettingsSlice & KubeSlice & JobsSlice;

export const createCoreSlice: StateCreator<Store, [], [], CoreSlice> = (set, get) => {
  const patchTools = patcherFor(set, 'tools');
  const patchSettings = patcherFor(set, 'settings');
  return {
    view: 'stack',
    info: null,
    paletteOpen: false,
    setView: (view) => set({ view, paletteOpen: false }),
    setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
    async loadInfo() {
      set({ info: await invoke('app:info') });
    },

    tools: { reports: [], status: 'idle', lastError: null, checkedAt: null },
    async detectTools() {
      patchTools({ status: 'loading' });
      await attempt(
        async () => set({ tools: { reports: await invoke('tools:detect', {}), status: 'ready', lastError: null, checkedAt: Date.now() } }),
        (lastError) => patchTools({ status: 'error', lastError }),
      );
    },

    settings: { value: null, status: 'idle', lastError: null },
    async loadSettings() {
      await attempt(
        async () => set({ settings: { value: await invoke('settings:get'), status: 'ready', lastError: null } }),
        (lastError) => patchSettings({ status: 'error', lastError }),
      );
    },
    updateSettings(patch) {
      return attempt(
        async () => {
          set({ settings: { value: await invoke('settings:update', patch), status: 'ready', lastError: null } });
          if (patch.toolPaths) void get().detectTools();
          if (patch.kubeconfig !== undefined || patch.context !== undefined) void get().loadContexts();
        },
        (lastError) => patchSettings({ lastError }),
      );
    },
    settingsChanged: (value) => patchSettings({ value }),

    kube: { contexts: null, lastError: null },
    async loadContexts() {
      await attempt(
        async () => set({ kube: { contexts: await invoke('kube:contexts'), lastError: null } }),
        (lastError) => set({ kube: { contexts: null, lastError } }),
      );
    },
    async switchContext(name) {
      await get().updateSettings({ context: name });
    },

    jobs: { list: [] },
    async loadJobs() {
      set({ jobs: { list: await invoke('jobs:list') } });
    },
    jobChanged: (job) =>
      set((s) => {
        const others = s.jobs.list.filter((existing) => existing.id !== job.id);
        return { jobs: { list: [{ ...job }, ...others].sort((a, b) => b.createdAt - a.createdAt) } };
      }),
  };
};
