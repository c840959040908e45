// What every slice does the same way: merge a change into its own part of the store, and call the
// backend with a failure filed as the contract's ErrorPayload (each slice under its own lastError).
import type { StoreApi } from 'zustand';
import { type ErrorPayload, toErrorPayload } from '#contract/index.js';
import type { Store } from './index.js';

/** The store's parts that are objects of their own (`stack`, `search`, `tools`…), not actions or scalars. */
type SliceKey = {
  [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? never : Store[K] extends object ? K : never;
}[keyof Store];

/** A setter for one part of the store: merges a change, or a change computed from that part. */
export function patcherFor<K extends SliceKey>(set: StoreApi<Store>['setState'], key: K) {
  return (change: Partial<Store[K]> | ((state: Store[K]) => Partial<Store[K]>)) =>
    set((store) => ({ [key]: { ...store[key], ...(typeof change === 'function' ? change(store[key]) : change) } }) as Partial<Store>);
}

/** Runs `work`; anything it throws goes to `onError` as an ErrorPayload. True when `work` finished. */
export async function attempt(work: () => Promise<unknown>, onError: (error: ErrorPayload) => void): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    onError(toErrorPayload(error));
    return false;
  }
}
