// Helpers for integration tests that use the `kube` test-env component (a kwok cluster).
//
// Port-forwarding: kube-apiserver proxies `pods/portforward` (SPDY or WebSocket) to the node's
// "kubelet", which is kwok-controller; kwok dials, per forwarded pod port, the target of a matching
// rule: a namespaced `PortForward` named exactly like the pod, or else the first `ClusterPortForward`
// whose selector matches (namespaces and/or pod names — kwok has NO label selector) and lists
// the port. Rules are read from kwok's informer cache, so a rule is live a few ms after creation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { REPO_ROOT } from './kwok.js';
import { runCmd } from './run.js';

const KWOK_GROUP = 'kwok.x-k8s.io';
const KWOK_VERSION = 'v1alpha1';

/** The project's shared folder: `<repo>/../shared` (CI clones beside it), or $LOGCLAW_SHARED_DIR. */
export function sharedDir(repoRoot: string = REPO_ROOT): string {
  return process.env.LOGCLAW_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared');
}

/** `<shared>/crds`: upstream CRDs (Strimzi, OpenSearch operator, cert-manager, ...). */
export function crdsDir(repoRoot: string = REPO_ROOT): string {
  return path.join(sharedDir(repoRoot), 'crds');
}

export interface KubeTarget {
  kubeconfig: string;
  /** Defaults to the kubeconfig's current-context. */
  context?: string;
}

function kubeconfigArgs(kubeconfig: string, context?: string): string[] {
  return ['--kubeconfig', kubeconfig, ...(context ? ['--context', context] : [])];
}

/**
 * Server-side apply every YAML file under `dir` (recursively; default the shared CRDs), then wait
 * until all CRDs are Established. Server-side because several CRDs exceed the 256 KiB
 * last-applied annotation limit of client-side apply. Resolves to the CRD names created.
 */
export async function installCrds(
  kubectl: string,
  kubeconfig: string,
  dir: string = crdsDir(),
  opts: { context?: string; timeoutMs?: number } = {},
): Promise<string[]> {
  if (!fs.existsSync(dir)) throw new Error(`CRD folder ${dir} does not exist`);
  const kc = kubeconfigArgs(kubeconfig, opts.context);
  // kubectl throttles itself to ~5 requests/s, so one `apply` of 50 CRDs takes ~10 s: apply each
  // top-level entry (sub-folder or file) in its own kubectl process, concurrently.
  const entries = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() || /\.(ya?ml|json)$/.test(e.name))
    .map((e) => path.join(dir, e.name));
  const results = await Promise.all(
    entries.map((e) => runCmd(kubectl, [...kc, 'apply', '--server-side', '--force-conflicts', '-R', '-f', e, '-o', 'name'])),
  );
  const failed = results.map((r, i) => ({ r, e: entries[i] })).filter(({ r }) => r.code !== 0);
  if (failed.length) {
    throw new Error(`kubectl apply --server-side failed:\n${failed.map(({ r, e }) => `${e}: ${r.stderr.slice(-2000)}`).join('\n')}`);
  }
  const names = results
    .flatMap((r) => r.stdout.split('\n'))
    .map((l) => l.trim())
    .filter((l) => l.startsWith('customresourcedefinition'))
    .map((n) => n.replace(/^customresourcedefinition[^/]*\//, ''));
  // One LIST per poll instead of `kubectl wait` (which GETs each CRD, throttled).
  const end = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const r = await runCmd(kubectl, [...kc, 'get', 'crd', '-o', 'json']);
    if (r.code === 0) {
      const list = JSON.parse(r.stdout) as {
        items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
      };
      const established = new Set(
        list.items
          .filter((c) => c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True'))
          .map((c) => c.metadata.name),
      );
      const missing = names.filter((n) => !established.has(n));
      if (missing.length === 0) return names;
      if (Date.now() > end) throw new Error(`CRDs not Established: ${missing.join(', ')}`);
    } else if (Date.now() > end) {
      throw new Error(`kubectl get crd failed: ${r.stderr}`);
    }
    await new Promise((res) => setTimeout(res, 250));
  }
}

export interface PortForwardRuleOptions extends Partial<KubeTarget> {
  namespace: string;
  /** Forward only this pod: creates/updates the namespaced `PortForward` named like the pod. */
  podName?: string;
  /** Without podName: restrict the `ClusterPortForward` to these pod names (default: every pod in the namespace). */
  podNames?: string[];
  /** The pod (container) port clients ask to forward, e.g. 9200. */
  port: number;
  /** The real local TCP server. */
  targetPort: number;
  /** Default 127.0.0.1. */
  targetHost?: string;
  /** Name of the ClusterPortForward (default `<namespace>-<port>`). */
  name?: string;
}

export interface PortForwardRule {
  kind: 'PortForward' | 'ClusterPortForward';
  name: string;
  namespace?: string;
  /** Remove this rule (for PortForward: only this port's forward; the object goes with its last one). */
  delete(): Promise<void>;
}

interface Forward {
  ports?: number[];
  target?: { address: string; port: number };
  command?: string[];
}
interface KwokRuleObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec: { selector?: { matchNamespaces?: string[]; matchNames?: string[] }; forwards: Forward[] };
}

function loadKubeConfig(kubeconfig: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  if (context) kc.setCurrentContext(context);
  return kc;
}

function statusCode(e: unknown): number | undefined {
  const c = (e as { code?: unknown }).code;
  return typeof c === 'number' ? c : undefined;
}

/**
 * Make `pods/portforward` of `namespace[/podName]` port `port` reach `targetHost:targetPort`
 * (a real server on this machine). `kubeconfig` may be the path or `{kubeconfig, context}` target.
 */
export async function createPortForwardRule(
  kubeconfig: string | KubeTarget,
  opts: Omit<PortForwardRuleOptions, keyof KubeTarget>,
): Promise<PortForwardRule> {
  const target = typeof kubeconfig === 'string' ? { kubeconfig } : kubeconfig;
  const api = loadKubeConfig(target.kubeconfig, target.context).makeApiClient(CustomObjectsApi);
  const forward: Forward = { ports: [opts.port], target: { address: opts.targetHost ?? '127.0.0.1', port: opts.targetPort } };

  if (opts.podName) {
    const ref = { group: KWOK_GROUP, version: KWOK_VERSION, namespace: opts.namespace, plural: 'portforwards', name: opts.podName };
    for (let attempt = 0; ; attempt++) {
      try {
        let existing: KwokRuleObject | undefined;
        try {
          existing = (await api.getNamespacedCustomObject(ref)) as KwokRuleObject;
        } catch (e) {
          if (statusCode(e) !== 404) throw e;
        }
        if (!existing) {
          const body: KwokRuleObject = {
            apiVersion: `${KWOK_GROUP}/${KWOK_VERSION}`,
            kind: 'PortForward',
            metadata: { name: opts.podName, namespace: opts.namespace },
            spec: { forwards: [forward] },
          };
          await api.createNamespacedCustomObject({ ...ref, body });
        } else {
          existing.spec.forwards = [...existing.spec.forwards.filter((f) => !f.ports?.includes(opts.port)), forward];
          await api.replaceNamespacedCustomObject({ ...ref, body: existing });
        }
        break;
      } catch (e) {
        if (statusCode(e) === 409 && attempt < 5) continue; // raced with another writer
        throw e;
      }
    }
    return {
      kind: 'PortForward',
      name: opts.podName,
      namespace: opts.namespace,
      delete: async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            const obj = (await api.getNamespacedCustomObject(ref)) as KwokRuleObject;
            obj.spec.forwards = obj.spec.forwards.filter((f) => !f.ports?.includes(opts.port));
            if (obj.spec.forwards.length === 0) await api.deleteNamespacedCustomObject(ref);
            else await api.replaceNamespacedCustomObject({ ...ref, body: obj });
            return;
          } catch (e) {
            if (statusCode(e) === 404) return;
            if (statusCode(e) === 409 && attempt < 5) continue;
            throw e;
          }
        }
      },
    };
  }

  const name = opts.name ?? `${opts.namespace}-${opts.port}`;
  const ref = { group: KWOK_GROUP, version: KWOK_VERSION, plural: 'clusterportforwards', name };
  const body: KwokRuleObject = {
    apiVersion: `${KWOK_GROUP}/${KWOK_VERSION}`,
    kind: 'ClusterPortForward',
    metadata: { name },
    spec: {
      selector: { matchNamespaces: [opts.namespace], ...(opts.podNames?.length ? { matchNames: opts.podNames } : {}) },
      forwards: [forward],
    },
  };
  try {
    await api.createClusterCustomObject({ ...ref, body });
  } catch (e) {
    if (statusCode(e) !== 409) throw e;
    const existing = (await api.getClusterCustomObject(ref)) as KwokRuleObject;
    body.metadata.resourceVersion = existing.metadata.resourceVersion;
    await api.replaceClusterCustomObject({ ...ref, body });
  }
  return {
    kind: 'ClusterPortForward',
    name,
    delete: async () => {
      try {
        await api.deleteClusterCustomObject(ref);
      } catch (e) {
        if (statusCode(e) !== 404) throw e;
      }
    },
  };
}

/** Run kubectl against a target; rejects with stderr on failure, resolves to stdout. */
export async function kubectlRun(
  kubectl: string,
  target: KubeTarget,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const r = await runCmd(kubectl, [...kubeconfigArgs(target.kubeconfig, target.context), ...args], opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (exit ${r.code}):\n${(r.stderr || r.stdout).slice(-4000)}`);
  return r.stdout;
}
