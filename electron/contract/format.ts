// The one formatter for numbers, sizes and times, used by the CLI and the renderer alike, so a
// value reads the same in a terminal and on screen. Pure: no node, electron or react imports.

const NBSP = '\u00a0';
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1240311 → "1 240 311" (non-breaking spaces: a count never wraps inside a table cell). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US').replace(/,/g, NBSP);
}

/** Binary units, one decimal: 512 → "512 B", 4 GiB → "4.0 GiB" (Kubernetes quantities are binary too). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const sign = bytes < 0 ? '-' : '';
  return unit === 0 ? `${sign}${Math.round(value)} B` : `${sign}${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Kubernetes CPU in millicores as short text: 250 → "250m", 1500 → "1.50", 2000 → "2". */
export function formatCpu(millis: number): string {
  return millis >= 1000 ? `${(millis / 1000).toFixed(millis % 1000 ? 2 : 0)}` : `${Math.round(millis)}m`;
}

/** A span of time relative to now: "3 s ago", "in 2 min", "5 d ago". `ms` is now minus then. */
export function formatAgo(ms: number): string {
  const future = ms < 0;
  const s = Math.round(Math.abs(ms) / 1000);
  const text =
    s < 60
      ? `${s} s`
      : s < 3600
        ? `${Math.round(s / 60)} min`
        : s < 86_400
          ? `${Math.round(s / 3600)} h`
          : s < 86_400 * 60
            ? `${Math.round(s / 86_400)} d`
            : `${Math.round(s / (86_400 * 30))} mo`;
  return future ? `in ${text}` : `${text} ago`;
}

/** Elapsed time, compact: "42s", "3m05s", "1h02m". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
