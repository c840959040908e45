// The shape of a CLI command; each capability adds its commands in commands/<domain>.ts.
import type { Backend } from '../backend.js';
import type { Io } from './output.js';

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; description: string; placeholder?: string };

export interface CommandContext {
  io: Io;
  /** Runs `fn` with a backend honouring --kubeconfig/--context, closing it afterwards. */
  withBackend<T>(transport: 'cli' | 'http', fn: (backend: Backend) => Promise<T>): Promise<T>;
  json: boolean;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Resolves when the user asks a long-running command to stop (Ctrl-C, SIGTERM). */
  stopSignal: Promise<void>;
}

/** A command's module; its one-line summary is in the registry (main.ts), read without importing it. */
export interface Command {
  usage: string;
  options: Record<string, OptionSpec>;
  run(ctx: CommandContext): Promise<number>;
}
