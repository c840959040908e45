// Test-env component `kube`: a real Kubernetes API (etcd + kube-apiserver + kube-controller-manager +
// kube-scheduler built from source by build.sh) with kwok faking one Ready node, pod readiness and
// port-forwarding (PortForward/ClusterPortForward CRs, see helpers.ts), and the upstream CRDs from
// ../shared/crds installed. Runs via `kwokctl --runtime binary`, whose components daemonize
// themselves, so they outlive the `up` process.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Component, EnvContext, Running } from '../component.js';
import { crdsDir, installCrds } from './helpers.js';
import { createKwokCluster, deleteKwokCluster, ensureKubeBinaries, killPids, readClusterPids } from './kwok.js';

export interface KubeEndpoint {
  /** kubeconfig file in the run dir (never ~/.kube/config). */
  kubeconfig: string;
  /** Context to use in it (`kwok-<cluster name>`); also its current-context. */
  context: string;
  /** kube-apiserver gitVersion, e.g. v1.33.13. */
  version: string;
  /** https://127.0.0.1:<port> */
  server: string;
}

export interface KubeState extends Record<string, unknown> {
  name: string;
  workdir: string;
  binDir: string;
  kubectl: string;
  kubeconfig: string;
}

/** kubectl from deps.tools, else $LOGCLAW_TEST_KUBECTL, else `kubectl` on PATH (made absolute). */
export function resolveKubectl(deps: Partial<Record<string, unknown>> = {}): string {
  const tools = deps.tools as { kubectl?: string } | undefined;
  const candidate = tools?.kubectl ?? process.env.LOGCLAW_TEST_KUBECTL;
  if (candidate) {
    if (!fs.existsSync(candidate)) throw new Error(`kubectl not found at ${candidate}`);
    return path.resolve(candidate);
  }
  const r = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  if (r.status !== 0 || !found) throw new Error('kubectl not found: start the tools component first or set LOGCLAW_TEST_KUBECTL');
  return path.resolve(found);
}

let binDirMemo: string | undefined;

export const kube: Component<KubeEndpoint> = {
  name: 'kube',
  needs: ['tools'],

  async provision(ctx: EnvContext): Promise<void> {
    binDirMemo = await ensureKubeBinaries(ctx.cacheRoot, (l) => l.trim() && ctx.log(`kube build: ${l}`));
  },

  async start(ctx: EnvContext, deps): Promise<Running<KubeEndpoint>> {
    const kubectl = resolveKubectl(deps);
    const binDir = binDirMemo ?? (await ensureKubeBinaries(ctx.cacheRoot, (l) => l.trim() && ctx.log(`kube build: ${l}`)));
    const name = `lc-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    const workdir = path.join(ctx.runDir, 'kwok');
    const kubeconfig = path.join(ctx.runDir, 'kubeconfig');
    const ports = {
      apiserver: await ctx.freePort(),
      kwokController: await ctx.freePort(),
      etcd: await ctx.freePort(),
      etcdPeer: await ctx.freePort(),
      controllerManager: await ctx.freePort(),
      scheduler: await ctx.freePort(),
    };
    const c = await createKwokCluster({
      name,
      workdir,
      kubeconfig,
      binDir,
      kubectl,
      ports,
      nodes: [{ name: 'kwok-node-0', labels: { 'topology.kubernetes.io/zone': 'zone-a' } }],
      log: (l) => ctx.log(l),
    });
    // Every test that renders charts or checks operator resources needs the upstream CRDs: install
    // them once per environment rather than once per test file (it is the slowest step).
    const crdStarted = Date.now();
    const crds = await installCrds(kubectl, c.kubeconfig, crdsDir(), { context: c.context, timeoutMs: 180_000 });
    ctx.log(`kube: ${crds.length} upstream CRDs installed in ${((Date.now() - crdStarted) / 1000).toFixed(1)} s`);
    const state: KubeState = { name, workdir, binDir, kubectl, kubeconfig };
    return {
      endpoint: { kubeconfig: c.kubeconfig, context: c.context, version: c.version, server: c.server },
      pids: c.pids,
      logFiles: c.logFiles,
      state,
    };
  },

  async stop(ctx: EnvContext, running: Running<KubeEndpoint>): Promise<void> {
    const s = running.state as KubeState | undefined;
    if (!s) return;
    try {
      await deleteKwokCluster({ ...s, log: (l) => ctx.log(l) });
    } catch (e) {
      ctx.log(`kube: ${(e as Error).message}; killing components`);
      killPids(readClusterPids(path.join(s.workdir, 'clusters', s.name)));
    }
  },
};

export default kube;
