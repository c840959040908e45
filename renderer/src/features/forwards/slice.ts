// Forwards pane state: the forwards with live status from `forward:changed`, per-forward traffic
// samples for the sparklines, and the last start error per forward (e.g. a port conflict).
import type { StateCreator } from 'zustand';
import type { ErrorPayload, ForwardStatus, Request } from '#contract/index.js';
import { invoke } from '../../bridge.js';
import type { Store } from '../../store/index.js';
import { attempt, patcherFor } from '../../store/slice-helpers.js';

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
  setForwardTransport(id: string, transport: Request<'forwards:setTransport'>['transport']): Promise<void>;
  selectForward(id: string | null): void;
  forwardChanged(status: ForwardStatus): void;
}

const previous = new Map<string, { at: number; bytes: number }>();

export const createForwardsSlice: StateCreator<Store, [], [], ForwardsSlice> = (set, get) => {
  const patch = patcherFor(set, 'forwards');
  const failed = (lastError: ErrorPayload) => patch({ lastError });
  /** An error of one forward, shown on its row (with the free port the backend suggests, if any). */
  const forwardFailed = (id: string) => (error: ErrorPayload) => {
    const suggestedPort = (error.detail as { suggestedPort?: number } | undefined)?.suggestedPort;
    patch((forwards) => ({ errors: { ...forwards.errors, [id]: { ...error, suggestedPort } } }));
  };
  const clearError = (id: string) =>
    patch((forwards) => {
      const errors = { ...forwards.errors };
      delete errors[id];
      return { errors };
    });
  const changed = (status: ForwardStatus) => get().forwardChanged(status);

  return {
    forwards: { list: [], loaded: false, lastError: null, rates: {}, errors: {}, selected: null },
    async loadForwards() {
      await attempt(
        async () => patch({ list: await invoke('forwards:list'), loaded: true, lastError: null }),
        (lastError) => patch({ loaded: true, lastError }),
      );
    },
    async startForward(id, localPort) {
      clearError(id);
      await attempt(async () => changed(await invoke('forwards:start', { id, ...(localPort ? { localPort } : {}) })), forwardFailed(id));
    },
    async stopForward(id) {
      clearError(id);
      await attempt(async () => changed(await invoke('forwards:stop', { id })), forwardFailed(id));
    },
    async startAllForwards() {
      await attempt(async () => {
        const result = await invoke('forwards:startAll');
        result.started.forEach(changed);
        patch((forwards) => ({
          errors: { ...forwards.errors, ...Object.fromEntries(result.failed.map((failure) => [failure.id, failure])) },
        }));
      }, failed);
    },
    async stopAllForwards() {
      await attempt(async () => (await invoke('forwards:stopAll')).forEach(changed), failed);
    },
    addForward(input) {
      return attempt(async () => changed(await invoke('forwards:add', input)), failed);
    },
    async removeForward(id) {
      await attempt(async () => {
        const list = await invoke('forwards:remove', { id });
        patch((forwards) => ({ list, selected: forwards.selected === id ? null : forwards.selected }));
      }, forwardFailed(id));
    },
    async setForwardAutoStart(id, autoStart) {
      await attempt(async () => changed(await invoke('forwards:setAutoStart', { id, autoStart })), forwardFailed(id));
    },
    async setForwardTransport(id, transport) {
      await attempt(async () => changed(await invoke('forwards:setTransport', { id, transport })), forwardFailed(id));
    },
    selectForward: (selected) => patch({ selected }),
    forwardChanged(status) {
      const now = Date.now();
      const bytes = status.bytesIn + status.bytesOut;
      const before = previous.get(status.id);
      previous.set(status.id, { at: now, bytes });
      patch((forwards) => {
        const exists = forwards.list.some((f) => f.id === status.id);
        const list = exists ? forwards.list.map((f) => (f.id === status.id ? status : f)) : [...forwards.list, status];
        const rates = { ...forwards.rates };
        if (before && now > before.at && status.state !== 'stopped') {
          rates[status.id] = [...(rates[status.id] ?? []), Math.max(0, ((bytes - before.bytes) * 1000) / (now - before.at))].slice(
            -SAMPLES,
          );
        }
        return { list, rates };
      });
    },
  };
};
