// Times in the viewer's own time zone. The contract's formatter (electron/contract/format.ts) is
// zone-free because the CLI shares it; wall-clock text for the screen is built here, once.
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local time to the millisecond: "2026-11-01 12:03:04.567". */
export function formatAbsolute(at: number | string): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Time of day to the millisecond: "12:03:04.567". */
export function formatClock(at: number): string {
  return formatAbsolute(at).slice(11);
}

/** For <input type="datetime-local">: local time to the second, without a zone. */
export function toLocalInput(at: number | string): string {
  return formatAbsolute(at).slice(0, 19).replace(' ', 'T');
}

export function fromLocalInput(value: string): number | null {
  const at = new Date(value).getTime();
  return Number.isNaN(at) ? null : at;
}
