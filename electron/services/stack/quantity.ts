// Kubernetes resource quantities (250m, 1.5, 512Mi, 1G) as numbers (the contract's formatCpu and
// formatBytes turn them back into text).
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, m: 1e-3 };

/** A memory quantity in bytes (0 when empty or unreadable). */
export function parseBytes(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return 0;
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(value.trim());
  if (!match) return 0;
  const n = Number(match[1]);
  const unit = match[2] ?? '';
  if (!unit) return n;
  return n * (BINARY[unit] ?? DECIMAL[unit] ?? 0);
}

/** A CPU quantity in millicores. */
export function parseCpu(value: unknown): number {
  if (typeof value === 'number') return value * 1000;
  if (typeof value !== 'string') return 0;
  const text = value.trim();
  if (text.endsWith('m')) return Number(text.slice(0, -1)) || 0;
  return (Number(text) || 0) * 1000;
}
