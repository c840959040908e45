// Search pane helpers: axis ticks, document fields and cell values, time ranges. Counts, sizes and
// ages come from the contract's formatter, wall-clock times from local-time.ts.
import type { FieldInfo, TimeRange } from '#contract/search.js';
import { formatAbsolute } from '../../local-time.js';

/** Axis label precise enough for the span shown: "12:03:04", "12:03", "11-01 12:03" or "2026-11-01". */
export function formatTick(at: number, spanMs: number): string {
  const text = formatAbsolute(at);
  if (spanMs <= 5 * 60_000) return text.slice(11, 19);
  if (spanMs <= 36 * 3_600_000) return text.slice(11, 16);
  if (spanMs <= 90 * 86_400_000) return text.slice(5, 16);
  return text.slice(0, 10);
}

/** A timestamp from a document: ISO string, epoch ms (number or digits). */
export function toEpoch(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  if (/^\d{10,}$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

/** A field of a document by dotted path: flattened keys first ("kubernetes.pod"), then nesting. */
export function fieldValue(source: Record<string, unknown>, path: string): unknown {
  if (path in source) return source[path];
  let value: unknown = source;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long']);

export function isNumeric(field: FieldInfo | undefined): boolean {
  return field !== undefined && NUMERIC.has(field.type);
}

export function isDate(field: FieldInfo | undefined, name: string, timeField: string): boolean {
  return name === timeField || field?.type === 'date' || field?.type === 'date_nanos';
}

export const RANGE_PRESETS: Array<{ value: string; label: string; range: TimeRange }> = [
  { value: '15m', label: 'Last 15 minutes', range: { kind: 'relative', last: '15m' } },
  { value: '1h', label: 'Last 1 hour', range: { kind: 'relative', last: '1h' } },
  { value: '4h', label: 'Last 4 hours', range: { kind: 'relative', last: '4h' } },
  { value: '24h', label: 'Last 24 hours', range: { kind: 'relative', last: '24h' } },
  { value: '7d', label: 'Last 7 days', range: { kind: 'relative', last: '7d' } },
  { value: '30d', label: 'Last 30 days', range: { kind: 'relative', last: '30d' } },
  { value: 'all', label: 'All time', range: { kind: 'all' } },
];

export function rangeKey(range: TimeRange): string {
  if (range.kind === 'all') return 'all';
  if (range.kind === 'relative') return RANGE_PRESETS.some((p) => p.value === range.last) ? range.last : `rel:${range.last}`;
  return 'custom';
}

export function describeRange(range: TimeRange): string {
  if (range.kind === 'all') return 'all time';
  if (range.kind === 'relative') return RANGE_PRESETS.find((p) => p.value === range.last)?.label.toLowerCase() ?? `the last ${range.last}`;
  return `${formatAbsolute(range.from).slice(0, 19)} → ${formatAbsolute(range.to).slice(0, 19)}`;
}
