// A resolved stack target: which kubeconfig file(s) and context every kind/helm/kubectl call and
// every client-node request of a stack job uses. Saved in the job's params, so a resumed job talks
// to the same cluster even if the app's current context changed meanwhile.
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from '../kube/kubeconfig.js';

export type ResolvedTarget =
  | { mode: 'kind'; cluster: string; kubeconfig: string[]; context: string }
  | { mode: 'existing'; kubeconfig: string[]; context: string; explicitKubeconfig: boolean };

/** The kubeconfig the app keeps for the kind clusters it creates. */
export function managedKubeconfig(dataDir: string): string {
  return join(dataDir, 'stack', 'kubeconfig');
}

export function kindTarget(dataDir: string, cluster: string): ResolvedTarget {
  return { mode: 'kind', cluster, kubeconfig: [managedKubeconfig(dataDir)], context: `kind-${cluster}` };
}

/** KUBECONFIG for child processes: the files, kubectl-style. */
export function kubeconfigEnv(target: ResolvedTarget): string {
  return target.kubeconfig.join(delimiter);
}

export function kubeConfigFor(target: ResolvedTarget, env: NodeJS.ProcessEnv): KubeConfig {
  return loadKubeConfig({ kubeconfig: target.kubeconfig.length === 1 ? target.kubeconfig[0] : undefined, context: target.context }, { ...env, KUBECONFIG: kubeconfigEnv(target) });
}

/** The flags that name the target on a copyable command line. */
export function displayFlags(target: ResolvedTarget, tool: 'helm' | 'kubectl'): string[] {
  const explicit = target.mode === 'kind' || target.explicitKubeconfig;
  const file = explicit && target.kubeconfig.length === 1 ? ['--kubeconfig', target.kubeconfig[0]!] : [];
  return [...file, tool === 'helm' ? '--kube-context' : '--context', target.context];
}

export function describeTarget(target: ResolvedTarget): string {
  return target.mode === 'kind' ? `kind cluster ${target.cluster}` : `context ${target.context}`;
}

export function sameTarget(a: ResolvedTarget, b: ResolvedTarget): boolean {
  return a.mode === b.mode && a.context === b.context && a.kubeconfig.join(delimiter) === b.kubeconfig.join(delimiter);
}

/** One shell-safe command line for "copy as commands". */
export function shellLine(args: readonly string[]): string {
  return args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)).join(' ');
}
