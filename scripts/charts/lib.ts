// Shared by the charts:* scripts and tests/charts: where the charts are, their build order,
// the upstream-chart pins, and running helm (found via $HELM, else PATH).
import { accessSync, constants, existsSync, readFileSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import YAML from 'yaml';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHARTS_DIR = join(REPO_ROOT, 'charts');

export const LIBRARY = 'logclaw-lib';
export const UMBRELLA = 'logclaw-tenant';
/** The ten subcharts, in the umbrella's order. */
export const SUBCHARTS = [
  'logclaw-platform',
  'logclaw-kafka',
  'logclaw-ingestion',
  'logclaw-opensearch',
  'logclaw-flink',
  'logclaw-ml-engine',
  'logclaw-airflow',
  'logclaw-anomaly-scorer',
  'logclaw-ticketing-agent',
  'logclaw-zammad',
] as const;
/** Every chart in dependency order: library, subcharts, umbrella. */
export const ALL_CHARTS = [LIBRARY, ...SUBCHARTS, UMBRELLA];
/** Charts that can be installed (the library can't). */
export const INSTALLABLE = [...SUBCHARTS, UMBRELLA];

export interface Dependency {
  name: string;
  version: string;
  repository: string;
  condition?: string;
}

export interface ChartMeta {
  name: string;
  version: string;
  type?: string;
  dependencies?: Dependency[];
}

export function readChart(chartDir: string): ChartMeta {
  return YAML.parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as ChartMeta;
}

export interface UpstreamChart {
  name: string;
  version: string;
  repository: string;
  wrapper: string;
  sha256: string | null;
  standIn: string;
}

export const UPSTREAM_LOCK = 'upstream-charts.yaml';

export function readUpstream(chartsDir: string = CHARTS_DIR): UpstreamChart[] {
  return (YAML.parse(readFileSync(join(chartsDir, UPSTREAM_LOCK), 'utf8')) as { charts: UpstreamChart[] }).charts;
}

/** The ci/*-values.yaml scenarios of a chart (paths), default-values.yaml first. */
export function ciValuesFiles(chartDir: string): string[] {
  const dir = join(chartDir, 'ci');
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('-values.yaml'))
    .sort();
  return files.sort((a, b) => Number(b === 'default-values.yaml') - Number(a === 'default-values.yaml')).map((f) => join(dir, f));
}

/** helm to use: $HELM, else the first `helm` on PATH. */
export function findHelm(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HELM) return env.HELM;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'helm');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error('helm not found: put helm 3.14+ on PATH or set HELM=/path/to/helm');
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Run a command without a shell; never throws on a non-zero exit (callers decide). */
export interface RunOpts {
  cwd?: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export async function run(cmd: string, args: string[], opts: RunOpts = {}): Promise<RunResult> {
  const r = await execa(cmd, args, { reject: false, cwd: opts.cwd, input: opts.input, env: opts.env, stripFinalNewline: false });
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? 1 };
}

/** Run and throw with helm's own message on failure. */
export async function runOrThrow(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.exitCode}):\n${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Minimal argv parsing: --flag, --key value, and positionals. */
export function parseArgs(argv: string[]): { flags: Set<string>; options: Map<string, string>; positionals: string[] } {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) positionals.push(arg);
    else if (arg.includes('=')) options.set(arg.slice(2, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1));
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') && VALUE_OPTIONS.has(arg.slice(2)))
      options.set(arg.slice(2), argv[++i]!);
    else flags.add(arg.slice(2));
  }
  return { flags, options, positionals };
}
const VALUE_OPTIONS = new Set(['namespace', 'release', 'out', 'context', 'api-versions', 'from']);

/**
 * Runs `fn` when the module at `moduleUrl` is the script being executed (not when it is imported),
 * printing an error's message (not a stack) and setting the exit code.
 */
export function main(moduleUrl: string, fn: () => Promise<void>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  fn().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
