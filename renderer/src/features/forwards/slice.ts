// Forwards pane state: the forwards with live status from `forward:changed`, per-forward traffic
// samples for the sparklines, and the last start error per forward (e.g. a port conflict).
import type { StateCreator } from 'zustand';
import type { ErrorPayload, ForwardStatus, Request } from '../../../../electron/contract/index.js';
import { toErrorPayload } from '../../../../electron/contract/index.js';
import { invoke } from '../../bridge.js';
import type { Store } from '../../store/index.js';

const SAMPLES = 40;

export interface ForwardError extends ErrorPayload {
  suggestedPort?: number;
}

export interface ForwardsSlice {
  forwards: {
    list: ForwardStatus[];
    loaded: boolean;
    lastError: ErrorPayload | null;
    /** Bytes per second, oldest first, from the byte counters between two updates. */
    rates: Record<string, number[]>;
    errors: Record<string, ForwardError>;
    selected: string | null;
  };
  loadForwards(): Promise<void>;
  startForward(id: string, localPort?: number): Promise<void>;
  stopForward(id: string): Promise<void>;
  startAllForwards(): Promise<void>;
  stopAllForwards(): Promise<void>;
  addForward(input: Request<'forwards:add'>): Promise<boolean>;
  removeForward(id: string): Promise<void>;
  setForwardAutoStart(id: string, autoStart: boolean): Promise<void>;
  selectForward(id: string | null): void;
  forwardChanged(status: ForwardStatus): void;
}

const previous = new Map<string, { at: number; bytes: number }>();

export const createForwardsSlice: StateCreator<Store, [], [], ForwardsSlice> = (set, get) => {
  const fail = (id: string | null, error: unknown) => {
    const payload = toErrorPayload(error);
    const suggestedPort = (payload.detail as { suggestedPort?: number } | undefined)?.suggestedPort;
    set((s) => ({
      forwards: id
        ? { ...s.forwards, errors: { ...s.forwards.errors, [id]: { ...payload, suggestedPort } } }
        : { ...s.forwards, lastError: payload },
    }));
  };
  const clearError = (id: string) =>
    set((s) => {
      const errors = { ...s.forwards.errors };
      delete errors[id];
      return { forwards: { ...s.forwards, errors } };
    });
  const replace = (statuses: ForwardStatus[]) => statuses.forEach((status) => get().forwardChanged(status));

  return {
    forwards: { list: [], loaded: false, lastError: null, rates: {}, errors: {}, selected: null },
    async loadForwards() {
      try {
        const list = await invoke('forwards:list');
        set((s) => ({ forwards: { ...s.forwards, list, loaded: true, lastError: null } }));
      } catch (error) {
        set((s) => ({ forwards: { ...s.forwards, loaded: true } }));
        fail(null, error);
      }
    },
    async startForward(id, localPort) {
      clearError(id);
      try {
        get().forwardChanged(await invoke('forwards:start', { id, ...(localPort ? { localPort } : {}) }));
      } catch (error) {
        fail(id, error);
      }
    },
    async stopForward(id) {
      clearError(id);
      try {
        get().forwardChanged(await invoke('forwards:stop', { id }));
      } catch (error) {
        fail(id, error);
      }
    },
    async startAllForwards() {
      try {
        const result = await invoke('forwards:startAll');
        replace(result.started);
        for (const failure of result.failed) {
          set((s) => ({ forwards: { ...s.forwards, errors: { ...s.forwards.errors, [failure.id]: failure } } }));
        }
      } catch (error) {
        fail(null, error);
      }
    },
    async stopAllForwards() {
      try {
        replace(await invoke('forwards:stopAll'));
      } catch (error) {
        fail(null, error);
      }
    },
    async addForward(input) {
      try {
        get().forwardChanged(await invoke('forwards:add', input));
        return true;
      } catch (error) {
        fail(null, error);
        return false;
      }
    },
    async removeForward(id) {
      try {
        const list = await invoke('forwards:remove', { id });
        set((s) => ({ forwards: { ...s.forwards, list, selected: s.forwards.selected === id ? null : s.forwards.selected } }));
      } catch (error) {
        fail(id, error);
      }
    },
    async setForwardAutoStart(id, autoStart) {
      try {
        get().forwardChanged(await invoke('forwards:setAutoStart', { id, autoStart }));
      } catch (error) {
        fail(id, error);
      }
    },
    selectForward: (selected) => set((s) => ({ forwards: { ...s.forwards, selected } })),
    forwardChanged(status) {
      const now = Date.now();
      const bytes = status.bytesIn + status.bytesOut;
      const before = previous.get(status.id);
      previous.set(status.id, { at: now, bytes });
      set((s) => {
        const exists = s.forwards.list.some((f) => f.id === status.id);
        const list = exists ? s.forwards.list.map((f) => (f.id === status.id ? status : f)) : [...s.forwards.list, status];
        const rates = { ...s.forwards.rates };
        if (before && now > before.at && status.state !== 'stopped') {
          rates[status.id] = [...(rates[status.id] ?? []), Math.max(0, ((bytes - before.bytes) * 1000) / (now - before.at))].slice(-SAMPLES);
        }
        return { forwards: { ...s.forwards, list, rates } };
      });
    },
  };
};
