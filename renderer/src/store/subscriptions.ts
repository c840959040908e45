import { on } from '../bridge.js';
import { useStore } from './index.js';

/** Wires backend events into the store, once, at start-up. */
export function subscribe(): () => void {
  const { jobChanged, settingsChanged } = useStore.getState();
  const offs = [on('job:changed', jobChanged), on('settings:changed', settingsChanged)];
  return () => offs.forEach((off) => off());
}
