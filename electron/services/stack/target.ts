// A resolved stack target: which kubeconfig file(s) and context every kind/helm/kubectl call and
// every client-node request of a stack job uses. Saved in the job's params, so a resumed job talks
// to the same cluster even if the app's current context changed meanwhile.
import { delimiter, join, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '#contract/index.js';
import { type KubeTarget, kubeconfigFiles, listContexts, loadKubeConfig } from '../kube/kubeconfig.js';
import type { ToolCall } from '../tools/tools-service.js';

export type ResolvedTarget =
  { mode: 'kind'; cluster: string; kubeconfig: string[]; context: string } | { mode: 'existing'; kubeconfig: string[]; context: string };

/** The kubeconfig the app keeps for the kind clusters it creates. */
export function managedKubeconfig(dataDir: string): string {
  return join(dataDir, 'stack', 'kubeconfig');
}

export function kindTarget(dataDir: string, cluster: string): ResolvedTarget {
  return { mode: 'kind', cluster, kubeconfig: [managedKubeconfig(dataDir)], context: `kind-${cluster}` };
}

/** The app's kind cluster that a kubeconfig and context point at, if they do. */
export function managedCluster(
  dataDir: string,
  kubeconfig: string | null | undefined,
  context: string | null | undefined,
): string | undefined {
  return kubeconfig === managedKubeconfig(dataDir) && context?.startsWith('kind-') ? context.slice('kind-'.length) : undefined;
}

/** What the app points at now (Settings, or the CLI's --kubeconfig/--context): its own kind cluster, else an existing context. */
export function currentTarget(kubeTarget: KubeTarget, env: NodeJS.ProcessEnv, dataDir: string): ResolvedTarget {
  const files = kubeconfigFiles(kubeTarget, env).map((file) => resolve(file));
  const { current } = listContexts(kubeTarget, env);
  if (!current)
    throw new AppError('KUBE_CONFIG_INVALID', 'No current context is set', {
      hint: 'Create a cluster from the Stack pane, or pick a context.',
    });
  const cluster = files.length === 1 ? managedCluster(dataDir, files[0], current) : undefined;
  return cluster ? kindTarget(dataDir, cluster) : { mode: 'existing', kubeconfig: files, context: current };
}

/** KUBECONFIG for child processes: the files, kubectl-style. */
export function kubeconfigEnv(target: ResolvedTarget): string {
  return target.kubeconfig.join(delimiter);
}

export function kubeConfigFor(target: ResolvedTarget, env: NodeJS.ProcessEnv): KubeConfig {
  return loadKubeConfig(
    { kubeconfig: target.kubeconfig.length === 1 ? target.kubeconfig[0] : undefined, context: target.context },
    { ...env, KUBECONFIG: kubeconfigEnv(target) },
  );
}

/**
 * A helm/kubectl call against the target, the same when run and when shown: one kubeconfig file
 * goes in --kubeconfig, several in KUBECONFIG (the flag takes one file), and the context is always
 * named, so neither depends on the environment the app happens to inherit.
 */
export function targetCommand(target: ResolvedTarget, tool: 'helm' | 'kubectl', args: string[]): ToolCall {
  const [only, ...more] = target.kubeconfig;
  return {
    tool,
    args: [
      ...args,
      ...(only && more.length === 0 ? ['--kubeconfig', only] : []),
      tool === 'helm' ? '--kube-context' : '--context',
      target.context,
    ],
    ...(more.length ? { env: { KUBECONFIG: kubeconfigEnv(target) } } : {}),
  };
}

export function sameTarget(a: ResolvedTarget, b: ResolvedTarget): boolean {
  return a.mode === b.mode && a.context === b.context && a.kubeconfig.join(delimiter) === b.kubeconfig.join(delimiter);
}
