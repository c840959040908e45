import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ToolCommand } from '#contract/command.js';
import { type Settings, TOOL_NAMES, type ToolName, type ToolReport } from '#contract/index.js';
import { platformKey } from '../paths.js';
import { type ToolsLock, compareVersions, parseVersion } from './lock.js';
import { type ExecObserver, type RunOptions, type RunResult, ToolError, runBinary } from './run-tool.js';

export interface ResolvedTool {
  path: string;
  source: 'settings' | 'path' | 'bundled';
}

export interface ToolsServiceOptions {
  settings: () => Settings;
  lock: ToolsLock;
  /** resources/ folder: bundled binaries live in resources/bin/<platform>-<arch>/. */
  resourcesDir: string;
  env?: NodeJS.ProcessEnv;
  /** Sees every run as it is handed to the operating system. */
  onExec?: ExecObserver;
}

/** A command of one of the tools this service runs. */
export type ToolCall = ToolCommand & { tool: ToolName };

/** How a command runs; what it runs (arguments, environment, stdin) is all in the command. */
export type CommandOptions = Omit<RunOptions, 'env' | 'input'>;

const VERSION_ARGS: Record<ToolName, string[]> = {
  // `docker version` fails when the daemon is down; `--version` only asks the client.
  docker: ['--version'],
  podman: ['--version'],
  kind: ['version'],
  helm: ['version', '--template', '{{.Version}}'],
  kubectl: ['version', '--client', '--output', 'json'],
};

const INSTALL_HINTS: Record<ToolName, string> = {
  docker: 'Install Docker Desktop or Docker Engine (or Podman): kind runs the cluster nodes as containers.',
  podman: 'Optional when Docker works. Install Podman to use it instead of Docker.',
  kind: 'Run `npm run fetch-tools` to bundle kind, or install it (`brew install kind`, or the kind release binary).',
  helm: 'Run `npm run fetch-tools` to bundle helm, or install it (`brew install helm`, or the helm release archive).',
  kubectl: 'Run `npm run fetch-tools` to bundle kubectl, or install it (`brew install kubectl`).',
};

const DAEMON_HINTS: Record<'docker' | 'podman', string> = {
  docker: 'Start Docker Desktop, or on Linux `sudo systemctl start docker` (and add yourself to the docker group).',
  podman: 'Start the Podman machine: `podman machine start`.',
};

/** Finds and runs the external tools: settings → PATH → bundled resources/bin. */
export class ToolsService {
  readonly #options: ToolsServiceOptions;

  constructor(options: ToolsServiceOptions) {
    this.#options = options;
  }

  get #env(): NodeJS.ProcessEnv {
    return this.#options.env ?? process.env;
  }

  async resolve(name: ToolName): Promise<ResolvedTool | null> {
    const configured = this.#options.settings().toolPaths[name];
    if (configured) return (await isExecutable(configured)) ? { path: configured, source: 'settings' } : null;
    for (const dir of (this.#env.PATH ?? '').split(delimiter).filter(Boolean)) {
      for (const candidate of executableNames(name, this.#env)) {
        const path = join(dir, candidate);
        if (await isExecutable(path)) return { path, source: 'path' };
      }
    }
    const bundledDir = join(this.#options.resourcesDir, 'bin', platformKey());
    for (const candidate of executableNames(name, this.#env)) {
      const path = join(bundledDir, candidate);
      if (await isExecutable(path)) return { path, source: 'bundled' };
    }
    return null;
  }

  /** Runs a tool by name (no shell). Throws TOOL_NOT_FOUND with a hint when it cannot be resolved. */
  async run(name: ToolName, args: string[], options: RunOptions = {}): Promise<RunResult> {
    const resolved = await this.resolve(name);
    if (!resolved) {
      throw new ToolError('TOOL_NOT_FOUND', `${name} was not found`, {
        tool: name,
        args,
        exitCode: null,
        stderrTail: [],
        hint: this.#notFoundHint(name),
      });
    }
    return runBinary(name, resolved.path, args, options, this.#options.onExec);
  }

  /** Runs a command value exactly as shellLine() renders it: its arguments, environment and stdin. */
  async runCommand(command: ToolCall, options: CommandOptions = {}): Promise<RunResult> {
    return this.run(command.tool, command.args, {
      ...options,
      env: command.env,
      input: command.stdin,
      redact: [...(command.redact ?? []), ...(options.redact ?? [])],
    });
  }

  async detect(only: readonly ToolName[] = TOOL_NAMES): Promise<ToolReport[]> {
    return Promise.all(only.map((name) => this.#detectOne(name)));
  }

  async #detectOne(name: ToolName): Promise<ToolReport> {
    const pinned = name === 'docker' || name === 'podman' ? undefined : this.#options.lock.tools[name];
    const report: ToolReport = {
      name,
      found: false,
      path: null,
      version: null,
      required: pinned ? `>=${pinned.minimum}` : null,
      ok: false,
      hint: null,
      source: null,
      daemon: null,
    };
    const resolved = await this.resolve(name);
    if (!resolved) return { ...report, hint: this.#notFoundHint(name) };
    Object.assign(report, { found: true, path: resolved.path, source: resolved.source });
    try {
      const { stdout } = await runBinary(name, resolved.path, VERSION_ARGS[name], { timeoutMs: 10_000 }, this.#options.onExec);
      report.version = name === 'kubectl' ? parseKubectlVersion(stdout) : parseVersion(stdout);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { ...report, hint: `Found ${resolved.path}, but it did not report a version: ${reason}` };
    }
    report.ok = true;
    if (pinned && (!report.version || compareVersions(report.version, pinned.minimum) < 0)) {
      report.ok = false;
      report.hint = `Version ${report.version ?? 'unknown'} is older than ${pinned.minimum}. Upgrade it, or run \`npm run fetch-tools\` for the tested ${pinned.version}.`;
    }
    if (name === 'docker' || name === 'podman') {
      report.daemon = await this.#probeDaemon(name, resolved.path);
      if (!report.daemon.reachable) {
        report.ok = false;
        report.hint = `${report.daemon.message.replace(/[.!?\s]+$/, '')}. ${DAEMON_HINTS[name]}`;
      }
    }
    return report;
  }

  async #probeDaemon(name: 'docker' | 'podman', path: string): Promise<{ reachable: boolean; message: string }> {
    try {
      const { stdout } = await runBinary(
        name,
        path,
        ['info', '--format', '{{.ServerVersion}}'],
        { timeoutMs: 8_000 },
        this.#options.onExec,
      );
      const serverVersion = stdout.trim();
      return serverVersion
        ? { reachable: true, message: `${name} engine ${serverVersion} is running` }
        : { reachable: false, message: `${name} info returned no server version` };
    } catch (error) {
      const tail = error instanceof ToolError ? error.stderrTail.at(-1) : undefined;
      return { reachable: false, message: tail ?? (error instanceof Error ? error.message : String(error)) };
    }
  }

  #notFoundHint(name: ToolName): string {
    const configured = this.#options.settings().toolPaths[name];
    if (configured) return `The path set in Settings for ${name} (${configured}) is not an executable file. Fix or clear it.`;
    return INSTALL_HINTS[name];
  }
}

function parseKubectlVersion(stdout: string): string | null {
  try {
    const parsed = JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } };
    return parseVersion(parsed.clientVersion?.gitVersion ?? '');
  } catch {
    return parseVersion(stdout);
  }
}

function executableNames(name: string, env: NodeJS.ProcessEnv): string[] {
  if (process.platform !== 'win32') return [name];
  const extensions = (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean);
  return extensions.map((ext) => name + ext.toLowerCase());
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
