// `logclaw` CLI: the third transport of the contract. Every command calls the same backend.
import { parseArgs } from 'node:util';
import { AppError } from '#contract/errors.js';
import type { Backend } from '../backend.js';
import type { Command, OptionSpec } from './command.js';
import { type Io, processIo, reportError } from './output.js';

/** Flags every command accepts; cluster commands honour --kubeconfig/--context like kubectl does. */
const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'machine-readable JSON on stdout' },
  kubeconfig: { type: 'string', description: 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)', placeholder: 'FILE' },
  context: { type: 'string', description: 'kubeconfig context to use', placeholder: 'NAME' },
  tenant: { type: 'string', description: 'tenant id, namespace logclaw-<tenant> (default: Settings, dev-local)', placeholder: 'ID' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

type Commands = Record<string, Command>;

// Each command module is imported when one of its commands runs: `logclaw --help` loads none of them (nor the
// contract's schemas), and a command loads the backend (kafkajs, client-node, opensearch) only when it asks
// for one (tests/integration/compiled-cli.test.ts checks the bundle's loaded chunks).
const core = async (): Promise<Commands> => (await import('./commands/core.js')).coreCommands;
const forwards = async (): Promise<Commands> => (await import('./commands/forwards.js')).forwardCommands;
const search = async (): Promise<Commands> => (await import('./commands/search.js')).searchCommands;
const kafka = async (): Promise<Commands> => (await import('./commands/kafka.js')).kafkaCommands;
const stack = async (): Promise<Commands> => (await import('./commands/stack.js')).stackCommands;
const doctor = async (): Promise<Commands> => (await import('./commands/doctor.js')).doctorCommands;
const logs = async (): Promise<Commands> => (await import('./commands/logs.js')).logsCommands;

/** Every command: the line `logclaw --help` shows, and the module that runs it. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Commands> }> = {
  tools: { summary: 'Check docker/podman, kind, helm and kubectl: path, version, daemon, fix hints', load: core },
  contexts: { summary: 'List kubeconfig contexts (KUBECONFIG, --kubeconfig and --context as kubectl reads them)', load: core },
  settings: { summary: 'Show the settings, or change one (the same file the Settings pane saves)', load: core },
  serve: { summary: 'Serve the UI and API to a browser on 127.0.0.1 (loopback bridge)', load: core },
  forward: { summary: "Port-forward the stack's services: list, start (supervised, in the foreground), stop", load: forwards },
  indices: { summary: 'List OpenSearch indices with health, document count, size and pattern (logclaw-logs-*)', load: search },
  search: { summary: 'Search OpenSearch (query string or query DSL) over logclaw-logs-*', load: search },
  topics: { summary: 'Kafka topics with partitions, replicas, watermarks and message counts', load: kafka },
  groups: { summary: 'Kafka consumer groups: state, members, committed offsets and lag', load: kafka },
  tail: { summary: 'Print messages from a topic as they arrive (or from the beginning, an offset or a time)', load: kafka },
  produce: { summary: 'Send a message (--value) or one message per stdin line to a topic', load: kafka },
  up: {
    summary: 'Install the local stack: preflight, kind cluster (or --context), operators, tenant releases; resumes an unfinished install',
    load: stack,
  },
  preflight: {
    summary:
      "Check this machine (or --context's cluster) before `logclaw up`: runtime, memory/CPU, vm.max_map_count, inotify, disk, ports, tools, and whether every image and operator chart can be pulled",
    load: stack,
  },
  profiles: {
    summary:
      "What each install profile puts on the cluster (releases, operators) and asks for: requests and limits of its charts rendered by helm, against docker's/podman's memory and CPUs",
    load: stack,
  },
  status: {
    summary: 'The stack on the current context: operators, releases (status, chart version), pods by component, last job',
    load: stack,
  },
  down: { summary: "Uninstall the tenant (releases, then namespace), or delete the app's kind cluster", load: stack },
  doctor: { summary: "Detect (and fix) the stack's known failure modes; --fix <id> applies one fix and re-checks", load: doctor },
  bundle: {
    summary:
      'Write a support bundle (zip, secrets redacted): versions, preflight, releases, statuses, events, logs, forwards, last install',
    load: doctor,
  },
  'send-log': { summary: "Send a test log to Vector's HTTP source, or generate logs at a rate (--rate, --duration)", load: logs },
  'send-anomaly': { summary: 'Produce an anomaly event to Kafka topic anomaly-events (validated against its schema)', load: logs },
  trace: {
    summary: 'Send one log stamped with a trace id and follow it: Vector → Kafka raw-logs → OpenSearch, with per-hop latency',
    load: logs,
  },
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

function commandHelp(summary: string, command: Command): string {
  const own = formatOptions(command.options);
  return [
    summary,
    '',
    `Usage: ${command.usage}`,
    ...(own.length ? ['', 'Options:', ...own] : []),
    '',
    'Global options:',
    ...formatOptions(GLOBAL_OPTIONS),
  ].join('\n');
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
  const entry = COMMANDS[name];
  if (!entry) {
    reportError(
      io,
      new AppError('INVALID_REQUEST', `Unknown command "${name}"`, { hint: 'Run `logclaw --help` for the list of commands.' }),
      wantsJson,
    );
    return 2;
  }
  const command = (await entry.load())[name]!;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    reportError(io, new AppError('INVALID_REQUEST', (error as Error).message, { hint: `Usage: ${command.usage}` }), wantsJson);
    return 2;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) {
    io.out(commandHelp(entry.summary, command));
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
