// Flag values read the same way by every command: a bad value is an INVALID_REQUEST naming the flag.
import { AppError } from '#contract/errors.js';
import type { CommandContext } from './command.js';

/** A string flag's value; undefined when it was not given. */
export function stringFlag(values: CommandContext['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A numeric flag's value within its range; undefined when it was not given. */
export function numberFlag(
  values: CommandContext['values'],
  name: string,
  options: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const raw = stringFlag(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (
    !Number.isFinite(n) ||
    (options.integer && !Number.isInteger(n)) ||
    (options.min !== undefined && n < options.min) ||
    (options.max !== undefined && n > options.max)
  ) {
    const range =
      options.min !== undefined && options.max !== undefined
        ? ` from ${options.min} to ${options.max}`
        : options.min !== undefined
          ? ` ≥ ${options.min}`
          : '';
    throw new AppError('INVALID_REQUEST', `--${name} must be ${options.integer ? 'a whole number' : 'a number'}${range}, not "${raw}"`);
  }
  return n;
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
