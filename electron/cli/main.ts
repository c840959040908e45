// `logclaw` CLI: the third transport of the contract. Every command calls the same backend.
import { parseArgs } from 'node:util';
import { AppError } from '#contract/index.js';
import type { Backend } from '../backend.js';
import type { Command, OptionSpec } from './command.js';
import { coreCommands } from './commands/core.js';
import { doctorCommands } from './commands/doctor.js';
import { forwardCommands } from './commands/forwards.js';
import { kafkaCommands } from './commands/kafka.js';
import { logsCommands } from './commands/logs.js';
import { searchCommands } from './commands/search.js';
import { stackCommands } from './commands/stack.js';
import { type Io, processIo, reportError } from './output.js';

/** Flags every command accepts; cluster commands honour --kubeconfig/--context like kubectl does. */
const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'machine-readable JSON on stdout' },
  kubeconfig: { type: 'string', description: 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)', placeholder: 'FILE' },
  context: { type: 'string', description: 'kubeconfig context to use', placeholder: 'NAME' },
  tenant: { type: 'string', description: 'tenant id, namespace logclaw-<tenant> (default: Settings, dev-local)', placeholder: 'ID' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

// Command modules import only the contract and the CLI's helpers; the backend (kafkajs, client-node,
// opensearch) is imported when a command first asks for it, so `logclaw --help` loads none of them
// (the bundle's chunk graph is checked in tests/cli/compiled.test.ts).
const COMMANDS: Record<string, Command> = {
  ...coreCommands,
  ...forwardCommands,
  ...searchCommands,
  ...kafkaCommands,
  ...stackCommands,
  ...doctorCommands,
  ...logsCommands,
};

function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return [
    'logclaw: run and inspect the LogClaw stack (the CLI of LogClaw Desktop)',
    '',
    'Usage: logclaw <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    ...formatOptions(GLOBAL_OPTIONS),
    '',
    "Run `logclaw <command> --help` for a command's options.",
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  const own = formatOptions(command.options);
  return [
    `${command.summary}`,
    '',
    `Usage: ${command.usage}`,
    ...(own.length ? ['', 'Options:', ...own] : []),
    '',
    'Global options:',
    ...formatOptions(GLOBAL_OPTIONS),
  ]
    .join('\n')
    .replace(/^/, name ? '' : '');
}

function formatOptions(options: Record<string, OptionSpec>): string[] {
  const labels = Object.entries(options).map(
    ([name, spec]) => `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.placeholder ? ` ${spec.placeholder}` : ''}`,
  );
  const width = Math.max(0, ...labels.map((label) => label.length));
  return Object.values(options).map((spec, i) => `  ${labels[i]!.padEnd(width)}  ${spec.description}`);
}

export async function main(argv: string[], io: Io = processIo, stopSignal = untilInterrupted()): Promise<number> {
  const [name, ...rest] = argv;
  const wantsJson = argv.includes('--json');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    reportError(
      io,
      new AppError('INVALID_REQUEST', `Unknown command "${name}"`, { hint: 'Run `logclaw --help` for the list of commands.' }),
      wantsJson,
    );
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    reportError(io, new AppError('INVALID_REQUEST', (error as Error).message, { hint: `Usage: ${command.usage}` }), wantsJson);
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    io.out(commandHelp(name, command));
    return 0;
  }
  const json = values.json === true;
  const kubeTarget = { kubeconfig: values.kubeconfig as string | undefined, context: values.context as string | undefined };
  async function withBackend<T>(transport: 'cli' | 'http', fn: (backend: Backend) => Promise<T>): Promise<T> {
    const { createBackend } = await import('../backend.js');
    const backend = await createBackend({ transport, kubeTarget, tenant: values.tenant as string | undefined });
    try {
      return await fn(backend);
    } finally {
      await backend.close();
    }
  }
  try {
    return await command.run({ io, json, values, positionals: parsed.positionals, stopSignal, withBackend });
  } catch (error) {
    reportError(io, error, json);
    return 1;
  }
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
