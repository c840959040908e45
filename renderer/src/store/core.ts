// The app-wide slice: navigation, app info, tools, settings, kube contexts and jobs.
import type { StateCreator } from 'zustand';
import type { AppInfo, ErrorPayload, Job, KubeContexts, Settings, SettingsPatch, ToolReport } from '../../../electron/contract/index.js';
import { toErrorPayload } from '../../../electron/contract/index.js';
import { invoke } from '../bridge.js';
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

export const createCoreSlice: StateCreator<Store, [], [], CoreSlice> = (set, get) => ({
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
    set((s) => ({ tools: { ...s.tools, status: 'loading' } }));
    try {
      const reports = await invoke('tools:detect', {});
      set({ tools: { reports, status: 'ready', lastError: null, checkedAt: Date.now() } });
    } catch (error) {
      set((s) => ({ tools: { ...s.tools, status: 'error', lastError: toErrorPayload(error) } }));
    }
  },

  settings: { value: null, status: 'idle', lastError: null },
  async loadSettings() {
    try {
      set({ settings: { value: await invoke('settings:get'), status: 'ready', lastError: null } });
    } catch (error) {
      set((s) => ({ settings: { ...s.settings, status: 'error', lastError: toErrorPayload(error) } }));
    }
  },
  async updateSettings(patch) {
    try {
      const value = await invoke('settings:update', patch);
      set({ settings: { value, status: 'ready', lastError: null } });
      if (patch.toolPaths) void get().detectTools();
      if (patch.kubeconfig !== undefined || patch.context !== undefined) void get().loadContexts();
      return true;
    } catch (error) {
      set((s) => ({ settings: { ...s.settings, lastError: toErrorPayload(error) } }));
      return false;
    }
  },
  settingsChanged: (value) => set((s) => ({ settings: { ...s.settings, value } })),

  kube: { contexts: null, lastError: null },
  async loadContexts() {
    try {
      set({ kube: { contexts: await invoke('kube:contexts'), lastError: null } });
    } catch (error) {
      set({ kube: { contexts: null, lastError: toErrorPayload(error) } });
    }
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
});
