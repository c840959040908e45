// `logclaw` CLI: the third transport of the contract. Every command calls the same backend.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { AppError, type ToolReport } from '../contract/index.js';
import { type Backend, createBackend } from '../backend.js';
import { startBridge } from '../server/bridge-server.js';
import { sourceRoot } from '../services/paths.js';
import { type Io, formatTable, processIo, reportError } from './output.js';

type OptionSpec = { type: 'string' | 'boolean'; short?: string; description: string; placeholder?: string };

interface CommandContext {
  io: Io;
  /** Runs `fn` with a backend honouring --kubeconfig/--context, closing it afterwards. */
  withBackend<T>(transport: 'cli' | 'http', fn: (backend: Backend) => Promise<T>): Promise<T>;
  json: boolean;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Resolves when the user asks a long-running command to stop (Ctrl-C, SIGTERM). */
  stopSignal: Promise<void>;
}

interface Command {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  run(ctx: CommandContext): Promise<number>;
}

/** Flags every command accepts; cluster commands honour --kubeconfig/--context like kubectl does. */
const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'machine-readable JSON on stdout' },
  kubeconfig: { type: 'string', description: 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)', placeholder: 'FILE' },
  context: { type: 'string', description: 'kubeconfig context to use', placeholder: 'NAME' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

const COMMANDS: Record<string, Command> = {
  tools: {
    summary: 'Check docker/podman, kind, helm and kubectl: path, version, daemon, fix hints',
    usage: 'logclaw tools [--json]',
    options: {},
    async run({ io, json, withBackend }) {
      const reports = await withBackend('cli', (backend) => backend.call('tools:detect', {}));
      io.out(json ? JSON.stringify(reports, null, 2) : formatToolTable(reports));
      return 0;
    },
  },
  contexts: {
    summary: 'List kubeconfig contexts (KUBECONFIG, --kubeconfig and --context as kubectl reads them)',
    usage: 'logclaw contexts [--kubeconfig FILE] [--context NAME] [--json]',
    options: {},
    async run({ io, json, withBackend }) {
      const result = await withBackend('cli', (backend) => backend.call('kube:contexts', {}));
      if (json) {
        io.out(JSON.stringify(result, null, 2));
        return 0;
      }
      io.out(
        formatTable(result.contexts, [
          { header: 'CURRENT', value: (c) => (c.name === result.current ? '*' : '') },
          { header: 'NAME', value: (c) => c.name },
          { header: 'CLUSTER', value: (c) => c.cluster },
          { header: 'SERVER', value: (c) => c.server ?? '' },
          { header: 'NAMESPACE', value: (c) => c.namespace ?? '' },
        ]),
      );
      return 0;
    },
  },
  serve: {
    summary: 'Serve the UI and API to a browser on 127.0.0.1 (loopback bridge)',
    usage: 'logclaw serve [--port N]',
    options: { port: { type: 'string', description: 'port on 127.0.0.1 (default: a free one)', placeholder: 'N' } },
    async run({ io, json, values, stopSignal, withBackend }) {
      const port = values.port === undefined ? 0 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new AppError('INVALID_REQUEST', `--port must be a number from 0 to 65535, not "${values.port}"`);
      }
      return withBackend('http', async (backend) => {
        const bridge = await startBridge({ backend, port, staticDir: join(sourceRoot(), 'dist', 'renderer') });
        io.out(json ? JSON.stringify({ url: bridge.url, port: bridge.port }) : `LogClaw UI: ${bridge.url}`);
        await stopSignal;
        await bridge.close();
        return 0;
      });
    },
  },
};

function formatToolTable(reports: ToolReport[]): string {
  const table = formatTable(reports, [
    { header: 'TOOL', value: (r) => r.name },
    { header: 'STATUS', value: (r) => (r.ok ? 'ok' : r.found ? 'problem' : 'missing') },
    { header: 'VERSION', value: (r) => r.version ?? '-' },
    { header: 'REQUIRED', value: (r) => r.required ?? '-' },
    { header: 'PATH', value: (r) => (r.path ? `${r.path} (${r.source})` : '-') },
  ]);
  const hints = reports.filter((r) => r.hint).map((r) => `  ${r.name}: ${r.hint}`);
  return hints.length ? `${table}\n\nTo fix:\n${hints.join('\n')}` : table;
}

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
    'Run `logclaw <command> --help` for a command\'s options.',
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  const own = formatOptions(command.options);
  return [`${command.summary}`, '', `Usage: ${command.usage}`, ...(own.length ? ['', 'Options:', ...own] : []), '', 'Global options:', ...formatOptions(GLOBAL_OPTIONS)].join('\n').replace(/^/, name ? '' : '');
}

function formatOptions(options: Record<string, OptionSpec>): string[] {
  const labels = Object.entries(options).map(([name, spec]) => `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.placeholder ? ` ${spec.placeholder}` : ''}`);
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
    reportError(io, new AppError('INVALID_REQUEST', `Unknown command "${name}"`, { hint: 'Run `logclaw --help` for the list of commands.' }), wantsJson);
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
    const backend = await createBackend({ transport, kubeTarget });
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
