import { on } from '../bridge.js';
import { useStore } from './index.js';

/** Wires backend events into the store, once, at start-up. */
export function subscribe(): () => void {
  const { jobChanged, settingsChanged, forwardChanged } = useStore.getState();
  const offs = [on('job:changed', jobChanged), on('settings:changed', settingsChanged), on('forward:changed', forwardChanged)];
  return () => offs.forEach((off) => off());
}
