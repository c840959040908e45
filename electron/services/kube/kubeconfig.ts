// Kubeconfig loading with kubectl's rules, shared by every cluster-facing service and the CLI:
// --kubeconfig names one file; else $KUBECONFIG lists files merged first-wins (unlike client-node's
// own merge, which throws on duplicates); else ~/.kube/config. --context overrides current-context.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '#contract/index.js';

export interface KubeTarget {
  kubeconfig?: string;
  context?: string;
}

export interface KubeContextInfo {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  server?: string;
}

/** The kubeconfig files kubectl would read, in precedence order. */
export function kubeconfigFiles(target: KubeTarget, env: NodeJS.ProcessEnv = process.env): string[] {
  if (target.kubeconfig) return [target.kubeconfig];
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length) return fromEnv.filter((file) => existsSync(file));
  return [join(env.HOME ?? homedir(), '.kube', 'config')];
}

interface MergedKubeconfig {
  files: string[];
  clusters: KubeConfig['clusters'];
  users: KubeConfig['users'];
  contexts: KubeConfig['contexts'];
  currentContext: string;
}

function mergeKubeconfigs(target: KubeTarget, env: NodeJS.ProcessEnv): MergedKubeconfig {
  const files = kubeconfigFiles(target, env);
  const clusters = new Map<string, KubeConfig['clusters'][number]>();
  const users = new Map<string, KubeConfig['users'][number]>();
  const contexts = new Map<string, KubeConfig['contexts'][number]>();
  let currentContext = '';
  for (const file of files) {
    if (!existsSync(file)) {
      throw new AppError('KUBE_CONFIG_INVALID', `Kubeconfig ${file} does not exist`, {
        hint: target.kubeconfig
          ? 'Check the --kubeconfig path.'
          : 'Create a cluster first (Stack), or point Settings → Kubeconfig at your file.',
      });
    }
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      throw new AppError('KUBE_CONFIG_INVALID', `Kubeconfig ${file} cannot be read: ${(error as Error).message}`, {
        hint: 'Fix the file, or choose another in Settings.',
      });
    }
    for (const cluster of one.clusters) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of one.users) if (!users.has(user.name)) users.set(user.name, user);
    for (const context of one.contexts) if (!contexts.has(context.name)) contexts.set(context.name, context);
    if (!currentContext && one.currentContext) currentContext = one.currentContext;
  }
  return { files, clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext };
}

export function loadKubeConfig(target: KubeTarget, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const merged = mergeKubeconfigs(target, env);
  const currentContext = target.context ?? merged.currentContext;
  if (!currentContext) {
    throw new AppError('KUBE_CONFIG_INVALID', 'No current context is set', {
      hint: 'Pick a context with --context, or in the context switcher.',
    });
  }
  if (!merged.contexts.some((context) => context.name === currentContext)) {
    const known = merged.contexts.map((context) => context.name);
    throw new AppError('KUBE_CONFIG_INVALID', `Context "${currentContext}" is not in ${merged.files.join(', ')}`, {
      hint: known.length ? `Known contexts: ${known.join(', ')}` : 'The kubeconfig has no contexts.',
    });
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: merged.clusters, users: merged.users, contexts: merged.contexts, currentContext });
  return kc;
}

/** Every context the kubeconfig files offer (even when the chosen one is missing, so a switcher can fix it). */
export function listContexts(
  target: KubeTarget,
  env: NodeJS.ProcessEnv = process.env,
): { files: string[]; current: string; contexts: KubeContextInfo[] } {
  const merged = mergeKubeconfigs(target, env);
  const servers = new Map(merged.clusters.map((cluster) => [cluster.name, cluster.server]));
  return {
    files: merged.files,
    current: target.context ?? merged.currentContext,
    contexts: merged.contexts.map((context) => ({
      name: context.name,
      cluster: context.cluster,
      user: context.user,
      namespace: context.namespace,
      server: servers.get(context.cluster),
    })),
  };
}
