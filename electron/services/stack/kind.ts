// The app's kind clusters: the config it renders, and the kubeconfig it keeps in its data folder
// (contexts kind-<name>), so the user's own kubeconfig is never touched.
import { existsSync, readFileSync } from 'node:fs';
import YAML from 'yaml';
import { writeFileAtomic } from '../fs-atomic.js';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const ZONE = 'zone-a';

/**
 * kind's cluster config for LogClaw: one control-plane node labelled with a topology zone (every
 * chart spreads pods over zones; `make kind-create` labelled it too), set both as a node label and
 * through kubeadm so it is there from the first kubelet registration. OpenSearch's
 * vm.max_map_count is the host kernel's (kind nodes are containers): preflight checks it.
 */
export function renderKindConfig(name: string): string {
  return [
    `# Rendered by LogClaw Desktop for the cluster "${name}".`,
    'kind: Cluster',
    'apiVersion: kind.x-k8s.io/v1alpha4',
    `name: ${name}`,
    'nodes:',
    '  - role: control-plane',
    '    labels:',
    `      ${ZONE_LABEL}: ${ZONE}`,
    '    kubeadmConfigPatches:',
    '      - |',
    '        kind: InitConfiguration',
    '        nodeRegistration:',
    '          kubeletExtraArgs:',
    `            node-labels: "${ZONE_LABEL}=${ZONE}"`,
    '',
  ].join('\n');
}

interface Named {
  name: string;
  [key: string]: unknown;
}
interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
}

function read(path: string): KubeconfigDoc {
  if (!existsSync(path)) return { apiVersion: 'v1', kind: 'Config', preferences: {}, clusters: [], users: [], contexts: [] };
  return (YAML.parse(readFileSync(path, 'utf8')) as KubeconfigDoc | null) ?? {};
}

/** Puts a cluster's kubeconfig (from `kind get kubeconfig`) into the app's file, replacing older entries of the same names. */
export async function mergeKubeconfig(path: string, fragment: string): Promise<void> {
  const target = read(path);
  const source = (YAML.parse(fragment) as KubeconfigDoc | null) ?? {};
  for (const field of ['clusters', 'users', 'contexts'] as const) {
    const incoming = source[field] ?? [];
    const names = new Set(incoming.map((entry) => entry.name));
    target[field] = [...(target[field] ?? []).filter((entry) => !names.has(entry.name)), ...incoming];
  }
  if (source['current-context']) target['current-context'] = source['current-context'];
  await writeFileAtomic(path, YAML.stringify({ apiVersion: 'v1', kind: 'Config', ...target }));
}

/** Removes kind-<name> from the app's kubeconfig (after `kind delete cluster`). */
export async function forgetCluster(path: string, name: string): Promise<void> {
  if (!existsSync(path)) return;
  const doc = read(path);
  const id = `kind-${name}`;
  for (const field of ['clusters', 'users', 'contexts'] as const) doc[field] = (doc[field] ?? []).filter((entry) => entry.name !== id);
  if (doc['current-context'] === id) doc['current-context'] = doc.contexts?.[0]?.name ?? '';
  await writeFileAtomic(path, YAML.stringify(doc));
}

export function hasContext(path: string, context: string): boolean {
  return (read(path).contexts ?? []).some((entry) => entry.name === context);
}
