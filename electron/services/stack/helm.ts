// helm's reads as the stack uses them: status, list and history as data, and the objects of a
// release's manifest. The actions that change releases are in ops/releases.ts.
import YAML from 'yaml';
import type { ToolName } from '#contract/index.js';
import type { ReleaseInfo } from '#contract/stack.js';
import type { RunOptions, RunResult } from '../tools/run-tool.js';
import { ToolError } from '../tools/run-tool.js';
import type { ToolCall } from '../tools/tools-service.js';
import { type ResolvedTarget, targetCommand } from './target.js';

/** Runs a tool by name (ToolsService.run, or a step's runner): how reads, which nobody is shown, are run. */
export type RunTool = (name: ToolName, args: string[], options?: RunOptions) => Promise<RunResult>;

/** Runs a read-only command value through a RunTool. */
export function runRead(run: RunTool, command: ToolCall, options: RunOptions = {}): Promise<RunResult> {
  return run(command.tool, command.args, { ...options, env: { ...options.env, ...command.env } });
}

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  chartVersion: string;
  appVersion: string;
  updated: string;
}

interface HelmListEntry {
  name: string;
  namespace: string;
  revision: string;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
}

/** `cert-manager-v1.16.1+logclaw-fake` → name and version. */
export function splitChart(chart: string): { name: string; version: string } {
  const match = /^(.*?)-(v?\d+\.\d+\.\d+.*)$/.exec(chart);
  return match ? { name: match[1]!, version: match[2]! } : { name: chart, version: '' };
}

/** Releases in a namespace (or every namespace), any status. */
export async function helmList(
  run: RunTool,
  target: ResolvedTarget,
  namespace: string | 'all',
  options: RunOptions = {},
): Promise<HelmRelease[]> {
  const scope = namespace === 'all' ? ['--all-namespaces'] : ['--namespace', namespace];
  const { stdout } = await runRead(
    run,
    targetCommand(target, 'helm', ['list', ...scope, '--all', '--output', 'json', '--max', '0']),
    options,
  );
  const entries = JSON.parse(stdout || '[]') as HelmListEntry[];
  return entries.map((entry) => {
    const chart = splitChart(entry.chart);
    return {
      name: entry.name,
      namespace: entry.namespace,
      revision: Number(entry.revision),
      status: entry.status,
      chart: chart.name,
      chartVersion: chart.version,
      appVersion: entry.app_version,
      updated: entry.updated,
    };
  });
}

/** One release, or null when it is not installed. */
export async function helmRelease(
  run: RunTool,
  target: ResolvedTarget,
  release: string,
  namespace: string,
  options: RunOptions = {},
): Promise<HelmRelease | null> {
  const list = await helmList(run, target, namespace, options);
  return list.find((entry) => entry.name === release) ?? null;
}

export function releaseInfo(name: string, release: string, namespace: string, found: HelmRelease | null | undefined): ReleaseInfo {
  return {
    name,
    release,
    namespace,
    status: found?.status ?? 'not installed',
    chart: found?.chart ?? null,
    chartVersion: found?.chartVersion ?? null,
    appVersion: found?.appVersion || null,
    revision: found?.revision ?? null,
    updated: found?.updated ?? null,
  };
}

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** The objects of a rendered manifest (helm get manifest / helm template). */
export function parseManifest(text: string): ManifestObject[] {
  return YAML.parseAllDocuments(text)
    .map((doc) => doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((doc): doc is { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } =>
      Boolean(doc?.kind && doc.apiVersion && doc.metadata?.name),
    )
    .map((doc) => ({
      apiVersion: doc.apiVersion,
      kind: doc.kind,
      name: doc.metadata.name,
      ...(doc.metadata.namespace ? { namespace: doc.metadata.namespace } : {}),
    }));
}

export async function helmManifest(
  run: RunTool,
  target: ResolvedTarget,
  release: string,
  namespace: string,
  options: RunOptions = {},
): Promise<ManifestObject[]> {
  const { stdout } = await runRead(run, targetCommand(target, 'helm', ['get', 'manifest', release, '--namespace', namespace]), options);
  return parseManifest(stdout);
}

export interface HistoryEntry {
  revision: number;
  status: string;
  chart: string;
  description: string;
  updated: string;
}

/** A release's last revisions, oldest first. */
export async function helmHistory(
  run: RunTool,
  target: ResolvedTarget,
  release: string,
  namespace: string,
  options: RunOptions = {},
): Promise<HistoryEntry[]> {
  const { stdout } = await runRead(
    run,
    targetCommand(target, 'helm', ['history', release, '-n', namespace, '--max', '10', '-o', 'json']),
    options,
  );
  return JSON.parse(stdout || '[]') as HistoryEntry[];
}

/** helm's "Error: ..." line, without the noise of warnings before it. */
export function helmMessage(error: unknown): string | undefined {
  if (!(error instanceof ToolError)) return undefined;
  return error.stderrTail
    .filter((line) => line.startsWith('Error:'))
    .at(-1)
    ?.replace(/^Error:\s*/, '');
}
