import { on } from '../bridge.js';
import { useStore } from './index.js';

/** Wires backend events into the store, once, at start-up. */
export function subscribe(): () => void {
  const { jobChanged, settingsChanged, forwardChanged, logsGeneratorChanged, logsTraceProgress, logsCanaryChanged } = useStore.getState();
  const offs = [on('job:changed', jobChanged), on('settings:changed', settingsChanged), on('forward:changed', forwardChanged), on('logs:generator', logsGeneratorChanged), on('logs:traceProgress', logsTraceProgress), on('logs:canary', logsCanaryChanged)];
  return () => offs.forEach((off) => off());
}
