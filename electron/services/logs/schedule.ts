// The generator's profiles as a cumulative count: how many events should have been made `t` ms after
// the start. The sender pumps towards it, so timer jitter never accumulates into rate error.
import type { GeneratorSpec } from '#contract/logs.js';

export type ScheduleSpec = Pick<GeneratorSpec, 'profile' | 'rate' | 'durationS' | 'burst'>;

/** Events due by `tMs` (fractional; callers floor it), capped at the end of the run. */
export function dueAt(spec: ScheduleSpec, tMs: number): number {
  const duration = spec.durationS;
  const t = Math.min(Math.max(tMs, 0) / 1000, duration);
  switch (spec.profile) {
    case 'steady':
      return spec.rate * t;
    case 'ramp':
      // 0 → rate linearly over the run: the integral of rate·t/D.
      return (spec.rate * t * t) / (2 * duration);
    case 'burst': {
      const { periodS, lengthS } = spec.burst;
      const full = Math.floor(t / periodS);
      const within = t - full * periodS;
      return spec.rate * (full * lengthS + Math.min(within, lengthS));
    }
  }
}

/** Whole events the run makes in total. */
export function expectedTotal(spec: ScheduleSpec): number {
  return Math.floor(dueAt(spec, spec.durationS * 1000) + 1e-9);
}

/** The profile's instantaneous rate at `tMs` (events per second), for the chart. */
export function rateAt(spec: ScheduleSpec, tMs: number): number {
  const t = tMs / 1000;
  if (t < 0 || t > spec.durationS) return 0;
  switch (spec.profile) {
    case 'steady':
      return spec.rate;
    case 'ramp':
      return (spec.rate * t) / spec.durationS;
    case 'burst':
      return t % spec.burst.periodS < spec.burst.lengthS ? spec.rate : 0;
  }
}

/** Events per POST: the given size, or about 10 ms worth of the peak rate (1–500). */
export function batchSizeFor(spec: Pick<GeneratorSpec, 'rate' | 'batchSize'>): number {
  return spec.batchSize ?? Math.max(1, Math.min(500, Math.round(spec.rate / 100)));
}
