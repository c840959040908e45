import { on } from '../bridge.js';
import { useStore } from './index.js';

/** Wires backend events into the store, once, at start-up. */
export function subscribe(): () => void {
  const {
    jobChanged,
    settingsChanged,
    forwardChanged,
    stackLine,
    stackChanged,
    realityProgressed,
    logsGeneratorChanged,
    logsTraceProgress,
    logsCanaryChanged,
    doctorReport,
  } = useStore.getState();
  const offs = [
    on('job:changed', jobChanged),
    on('settings:changed', settingsChanged),
    on('forward:changed', forwardChanged),
    on('job:line', stackLine),
    on('stack:changed', stackChanged),
    on('stack:realityProgress', realityProgressed),
    on('logs:generator', logsGeneratorChanged),
    on('logs:traceProgress', logsTraceProgress),
    on('logs:canary', logsCanaryChanged),
    on('doctor:report', doctorReport),
  ];
  return () => offs.forEach((off) => off());
}
