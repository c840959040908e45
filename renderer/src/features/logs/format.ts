// Small formatting helpers for the Logs pane.
import type { CanaryHealth } from '#contract/logs.js';
import type { Tone } from '../../components/StatusDot.js';

/** 1234 → "1.2k", 2500000 → "2.5M". */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e4) return `${Math.round(value / 1e3)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

export function ms(value: number | null): string {
  if (value === null) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function healthTone(health: CanaryHealth | undefined): Tone {
  return health === 'ok' ? 'ok' : health === 'warn' ? 'warn' : health === 'fail' ? 'fail' : 'idle';
}
