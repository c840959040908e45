// helm as the stack uses it: status and list as data, the objects of a release's manifest, and the
// repair of a release left "pending-*" by a helm that was killed mid-operation.
import YAML from 'yaml';
import type { ReleaseInfo } from '../../contract/stack.js';
import type { RunOptions, RunResult } from '../tools/run-tool.js';
import { ToolError } from '../tools/run-tool.js';
import { type ResolvedTarget, kubeconfigEnv } from './target.js';

export type RunTool = (name: 'helm' | 'kubectl' | 'kind' | 'docker' | 'podman', args: string[], options?: RunOptions) => Promise<RunResult>;

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

export function helmContext(target: ResolvedTarget): string[] {
  return ['--kube-context', target.context];
}

export function toolOptions(target: ResolvedTarget, extra: RunOptions = {}): RunOptions {
  return { ...extra, kubeconfig: kubeconfigEnv(target) };
}

/** Releases in a namespace (or every namespace), any status. */
export async function helmList(run: RunTool, target: ResolvedTarget, namespace: string | 'all', options: RunOptions = {}): Promise<HelmRelease[]> {
  const scope = namespace === 'all' ? ['--all-namespaces'] : ['--namespace', namespace];
  const { stdout } = await run('helm', ['list', ...scope, '--all', '--output', 'json', '--max', '0', ...helmContext(target)], toolOptions(target, options));
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
export async function helmRelease(run: RunTool, target: ResolvedTarget, release: string, namespace: string, options: RunOptions = {}): Promise<HelmRelease | null> {
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
    .filter((doc): doc is { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } => Boolean(doc?.kind && doc.apiVersion && doc.metadata?.name))
    .map((doc) => ({ apiVersion: doc.apiVersion, kind: doc.kind, name: doc.metadata.name, ...(doc.metadata.namespace ? { namespace: doc.metadata.namespace } : {}) }));
}

export async function helmManifest(run: RunTool, target: ResolvedTarget, release: string, namespace: string, options: RunOptions = {}): Promise<ManifestObject[]> {
  const { stdout } = await run('helm', ['get', 'manifest', release, '--namespace', namespace, ...helmContext(target)], toolOptions(target, options));
  return parseManifest(stdout);
}

/**
 * A release stuck in pending-install/-upgrade/-rollback blocks every later helm operation ("another
 * operation is in progress"). That happens when helm was killed (the app or CLI was). After a short
 * wait for a helm that may still be finishing, roll back to the last good revision, or uninstall a
 * first install that never finished.
 */
export async function repairPending(
  run: RunTool,
  target: ResolvedTarget,
  release: string,
  namespace: string,
  options: RunOptions & { line: (text: string) => void; waitMs?: number },
): Promise<void> {
  let current = await helmRelease(run, target, release, namespace, options);
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  while (current?.status.startsWith('pending-') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    current = await helmRelease(run, target, release, namespace, options);
  }
  if (!current?.status.startsWith('pending-')) return;
  options.line(`${release} is ${current.status} (a helm operation was interrupted); repairing it`);
  if (current.status === 'pending-install' || current.revision <= 1) {
    await run('helm', ['uninstall', release, '--namespace', namespace, ...helmContext(target)], toolOptions(target, options));
  } else {
    await run('helm', ['rollback', release, '--namespace', namespace, ...helmContext(target)], toolOptions(target, options));
  }
}

/** helm's "Error: ..." line, without the noise of warnings before it. */
export function helmMessage(error: unknown): string | undefined {
  if (!(error instanceof ToolError)) return undefined;
  return error.stderrTail.filter((line) => line.startsWith('Error:')).at(-1)?.replace(/^Error:\s*/, '');
}
