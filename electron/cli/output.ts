// Human output is aligned text; machine output (--json) is JSON on stdout. Errors go to stderr.
import { type ErrorPayload, toErrorPayload } from '#contract/errors.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
}

export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (columns[i]!.align === 'right' ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

/** One line with the code and message, one with the hint; JSON callers also get the envelope on stdout. */
export function reportError(io: Io, error: unknown, json: boolean): ErrorPayload {
  const payload = toErrorPayload(error);
  io.err(`error [${payload.code}]: ${payload.message}`);
  if (payload.hint) io.err(`hint: ${payload.hint}`);
  if (json) io.out(JSON.stringify({ ok: false, error: payload }));
  return payload;
}
