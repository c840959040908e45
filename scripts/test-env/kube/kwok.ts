// Core of the `kube` test-env component and of the fake `kind` (tests/fakes/kind): build/locate the
// control-plane binaries (build.sh) and create/delete kwok clusters with the kwokctl *binary*
// runtime (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok-controller run as
// local daemonized processes, each its own session/process group). Node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type KwokNodeSpec, applyNodes } from './nodes.js';
import { mustRun, runCmd } from './run.js';
import { fileURLToPath } from 'node:url';
import { signalGroup } from '../process.js';

export const KUBE_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(KUBE_DIR, '..', '..', '..');
export const BUILD_SCRIPT = path.join(KUBE_DIR, 'build.sh');

/** kwok CRDs enabled at runtime, so tests can create forward rules with kubectl/client-node. */
export const KWOK_RUNTIME_CRDS = ['PortForward', 'ClusterPortForward'];

/** `$LOGCLAW_TEST_ENV_CACHE` or `${XDG_CACHE_HOME:-~/.cache}/logclaw-test-env` (same rule as build.sh). */
export function defaultCacheRoot(): string {
  if (process.env.LOGCLAW_TEST_ENV_CACHE) return process.env.LOGCLAW_TEST_ENV_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'logclaw-test-env');
}

function buildEnv(cacheRoot: string): NodeJS.ProcessEnv {
  return { ...process.env, LOGCLAW_TEST_ENV_CACHE: cacheRoot };
}

/** The bin folder build.sh builds into for its pinned versions (it may not exist yet). */
export function kubeBinDir(cacheRoot = defaultCacheRoot()): string {
  const r = spawnSync('bash', [BUILD_SCRIPT, '--print-dir'], { env: buildEnv(cacheRoot), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build.sh --print-dir failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** True when build.sh finished for the pinned versions (no build needed). */
export function kubeBinariesBuilt(cacheRoot = defaultCacheRoot()): boolean {
  return fs.existsSync(path.join(path.dirname(kubeBinDir(cacheRoot)), '.complete'));
}

/** Run build.sh (fast no-op when cached); every output line goes to onLine. Resolves to the bin dir. */
export function ensureKubeBinaries(cacheRoot = defaultCacheRoot(), onLine: (l: string) => void = () => {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { env: buildEnv(cacheRoot), stdio: ['ignore', 'pipe', 'pipe'] });
    let lastStdout = '';
    const tailLines: string[] = [];
    const lines = (isStdout: boolean) => {
      let partial = '';
      return (d: Buffer) => {
        const parts = (partial + d.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        for (const l of parts) {
          if (isStdout && l.trim()) lastStdout = l.trim();
          tailLines.push(l);
          if (tailLines.length > 60) tailLines.shift();
          onLine(l);
        }
      };
    };
    child.stdout.on('data', lines(true));
    child.stderr.on('data', lines(false));
    child.on('error', (e) => reject(new Error(`cannot run build.sh: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0 && lastStdout) resolve(lastStdout);
      else reject(new Error(`build.sh failed (exit ${code}):\n${tailLines.join('\n')}`));
    });
  });
}

/** Environment for kwokctl: its workdir, binary runtime, our binaries and kubectl first on PATH. */
export function kwokEnv(workdir: string, binDir: string, kubectl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KWOK_WORKDIR: workdir,
    KWOK_RUNTIME: 'binary',
    KWOK_KUBE_BINARY_PREFIX: binDir,
    KWOK_KUBECTL_BINARY: kubectl,
    PATH: [path.dirname(kubectl), binDir, process.env.PATH ?? ''].join(path.delimiter),
  };
}

export interface KwokPorts {
  apiserver?: number;
  kwokController?: number;
  etcd?: number;
  etcdPeer?: number;
  controllerManager?: number;
  scheduler?: number;
}

export interface CreateKwokClusterOptions {
  /** kwokctl cluster name; the kubeconfig context becomes `kwok-<name>`. */
  name: string;
  /** KWOK_WORKDIR; the cluster lives in `<workdir>/clusters/<name>`. */
  workdir: string;
  /** kubeconfig file to write (created/merged by kwokctl; never ~/.kube/config unless passed). */
  kubeconfig: string;
  binDir: string;
  /** Absolute path of kubectl (kwokctl runs it; its folder is put first on PATH). */
  kubectl: string;
  /** Unset ports are chosen by kwokctl among free ones. */
  ports?: KwokPorts;
  /** Nodes to create and wait Ready for; default one node `kwok-node-0`. */
  nodes?: KwokNodeSpec[];
  /** Extra YAML documents appended to the kwokctl --config (e.g. ClusterPortForward rules). */
  extraConfigYaml?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface KwokCluster {
  name: string;
  workdir: string;
  clusterDir: string;
  kubeconfig: string;
  context: string;
  /** kube-apiserver gitVersion, e.g. v1.33.13. */
  version: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** Component pids (session leaders) read from kwokctl's pid files. */
  pids: number[];
  logFiles: string[];
}

/** Names the process whose end makes a cluster or a test-env state folder abandoned. */
export const OWNER_FILE = 'owner.pid';

/**
 * The `npm test` run's main process (global setup exports it to the run's workers and to the CLIs
 * they start), or null outside a run. Not this process: a cluster outlives the process that made it
 * (the FAKE kind's `kind create cluster` exits at once), so naming it would let any other run reap a
 * live run's cluster.
 */
export function runOwnerPid(env = process.env): number | null {
  return Number(env.LOGCLAW_TEST_RUN_PID) || null;
}

export function clusterDir(workdir: string, name: string): string {
  return path.join(workdir, 'clusters', name);
}

/** Pids of the daemonized components of a cluster, from `<clusterDir>/pids/*.pid`. */
export function readClusterPids(dir: string): number[] {
  const pidDir = path.join(dir, 'pids');
  if (!fs.existsSync(pidDir)) return [];
  return fs
    .readdirSync(pidDir)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(fs.readFileSync(path.join(pidDir, f), 'utf8').trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

export function clusterLogFiles(dir: string): string[] {
  const logDir = path.join(dir, 'logs');
  if (!fs.existsSync(logDir)) return [];
  return fs.readdirSync(logDir).map((f) => path.join(logDir, f));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * kwokctl starts kwok-controller *before* it installs the PortForward/ClusterPortForward CRDs, so
 * the controller's first LIST of those CRs fails (404) and its informer sits in client-go's
 * reflector back-off; rules created in that window are not seen ("no forward found"), so a fresh
 * cluster's first port-forwards fail for a few seconds. Restarting just kwok-controller once the
 * CRDs exist avoids that: kill it, drop its pid file, and `kwokctl start cluster` starts only the
 * components that are not running (~0.2 s).
 */
async function restartKwokController(dir: string, kwokctl: string, name: string, env: NodeJS.ProcessEnv): Promise<void> {
  const pidFile = path.join(dir, 'pids', 'kwok-controller.pid');
  if (!fs.existsSync(pidFile)) throw new Error(`no ${pidFile}`);
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0) killPids([pid]);
  fs.rmSync(pidFile, { force: true });
  await mustRun(kwokctl, ['start', 'cluster', '--name', name], { env });
}

/** Wait until a command succeeds (exit 0), polling. */
async function waitFor(what: string, timeoutMs: number, fn: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

function kwokctlConfigYaml(o: CreateKwokClusterOptions, version: string): string {
  const p = o.ports ?? {};
  const opt: Record<string, unknown> = {
    runtime: 'binary',
    bindAddress: '127.0.0.1',
    kubeVersion: version,
    kubeApiserverBinary: path.join(o.binDir, 'kube-apiserver'),
    kubeControllerManagerBinary: path.join(o.binDir, 'kube-controller-manager'),
    kubeSchedulerBinary: path.join(o.binDir, 'kube-scheduler'),
    kwokControllerBinary: path.join(o.binDir, 'kwok'),
    etcdBinary: path.join(o.binDir, 'etcd'),
    kubectlBinary: o.kubectl,
    enableCRDs: KWOK_RUNTIME_CRDS,
    kubeApiserverPort: p.apiserver,
    kwokControllerPort: p.kwokController,
    etcdPort: p.etcd,
    etcdPeerPort: p.etcdPeer,
    kubeControllerManagerPort: p.controllerManager,
    kubeSchedulerPort: p.scheduler,
  };
  for (const k of Object.keys(opt)) if (opt[k] === undefined) delete opt[k];
  // JSON is valid YAML; one document per object.
  const doc = { kind: 'KwokctlConfiguration', apiVersion: 'config.kwok.x-k8s.io/v1alpha1', options: opt };
  return [JSON.stringify(doc, null, 2), o.extraConfigYaml?.trim()].filter(Boolean).join('\n---\n') + '\n';
}

/** The version the apiserver binary was stamped with (`kube-apiserver --version` → v1.33.13). */
export function apiserverVersion(binDir: string): string {
  const r = spawnSync(path.join(binDir, 'kube-apiserver'), ['--version'], { encoding: 'utf8' });
  const m = /v\d+\.\d+\.\d+\S*/.exec(r.stdout ?? '');
  if (!m) throw new Error(`cannot read kube-apiserver --version: ${r.stdout}${r.stderr}`);
  return m[0];
}

/**
 * Create a kwok cluster (binary runtime), its nodes, and wait until it is usable: apiserver
 * answers, nodes Ready, the `default` ServiceAccount exists (so pods can be created) and the kwok
 * port-forward CRDs are established. Components keep running after this process exits.
 */
export async function createKwokCluster(o: CreateKwokClusterOptions): Promise<KwokCluster> {
  const log = o.log ?? (() => {});
  const timeoutMs = o.timeoutMs ?? 180_000;
  const started = Date.now();
  fs.mkdirSync(o.workdir, { recursive: true });
  fs.mkdirSync(path.dirname(o.kubeconfig), { recursive: true });
  const version = apiserverVersion(o.binDir);
  const configFile = path.join(o.workdir, `kwokctl-${o.name}.yaml`);
  fs.writeFileSync(configFile, kwokctlConfigYaml(o, version));
  const env = kwokEnv(o.workdir, o.binDir, o.kubectl);
  const dir = clusterDir(o.workdir, o.name);
  // The components outlive this process by design; the owner (the test run, when there is one) lets
  // a later run reap them when the run that made them was killed before its teardown (scripts/test-env/reap.ts).
  const owner = runOwnerPid();
  if (owner !== null) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, OWNER_FILE), String(owner));
  }
  const kwokctl = path.join(o.binDir, 'kwokctl');
  const r = await runCmd(
    kwokctl,
    [
      'create',
      'cluster',
      '--name',
      o.name,
      '--config',
      configFile,
      '--kubeconfig',
      o.kubeconfig,
      '--wait',
      `${Math.ceil(timeoutMs / 1000)}s`,
    ],
    { env, onLine: (l) => l.trim() && log(`kwokctl: ${l}`) },
  );
  fs.rmSync(configFile, { force: true }); // kwokctl keeps its own copy in <clusterDir>/kwok.yaml
  if (r.code !== 0) {
    const logs = clusterLogFiles(dir).join(', ') || '(none)';
    // Leave nothing half-started behind.
    await runCmd(kwokctl, ['delete', 'cluster', '--name', o.name, '--kubeconfig', o.kubeconfig], { env }).catch(() => undefined);
    throw new Error(`kwokctl create cluster ${o.name} failed (exit ${r.code}); logs: ${logs}\n${(r.stderr || r.stdout).slice(-4000)}`);
  }
  const context = `kwok-${o.name}`;
  const kc = ['--kubeconfig', o.kubeconfig, '--context', context];
  try {
    await restartKwokController(dir, kwokctl, o.name, env);
    const ver = JSON.parse(await mustRun(o.kubectl, [...kc, 'get', '--raw', '/version'])) as { gitVersion: string };
    const server = (await mustRun(o.kubectl, [...kc, 'config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).trim();
    const nodes = o.nodes ?? [{ name: 'kwok-node-0' }];
    const remaining = () => Math.max(5_000, timeoutMs - (Date.now() - started));
    if (nodes.length) await applyNodes(o.kubectl, o.kubeconfig, nodes, ver.gitVersion, remaining());
    await waitFor(
      'serviceaccount default/default (kube-controller-manager)',
      remaining(),
      async () => (await runCmd(o.kubectl, [...kc, 'get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name'])).code === 0,
    );
    await mustRun(o.kubectl, [
      ...kc,
      'wait',
      '--for=condition=Established',
      `--timeout=${Math.ceil(remaining() / 1000)}s`,
      'crd/clusterportforwards.kwok.x-k8s.io',
      'crd/portforwards.kwok.x-k8s.io',
    ]);
    log(`kube: cluster ${o.name} ${ver.gitVersion} ready at ${server} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
      name: o.name,
      workdir: o.workdir,
      clusterDir: dir,
      kubeconfig: o.kubeconfig,
      context,
      version: ver.gitVersion,
      server,
      pids: readClusterPids(dir),
      logFiles: clusterLogFiles(dir),
    };
  } catch (e) {
    await runCmd(kwokctl, ['delete', 'cluster', '--name', o.name, '--kubeconfig', o.kubeconfig], { env }).catch(() => undefined);
    throw new Error(`kube cluster ${o.name} did not become ready (logs in ${path.join(dir, 'logs')}): ${(e as Error).message}`);
  }
}

/** `kwokctl delete cluster` (stops the components, removes the cluster dir and its kubeconfig entry). */
export async function deleteKwokCluster(o: {
  name: string;
  workdir: string;
  binDir: string;
  kubectl: string;
  kubeconfig?: string;
  log?: (l: string) => void;
}): Promise<void> {
  const env = kwokEnv(o.workdir, o.binDir, o.kubectl);
  const args = ['delete', 'cluster', '--name', o.name];
  if (o.kubeconfig) args.push('--kubeconfig', o.kubeconfig);
  const r = await runCmd(path.join(o.binDir, 'kwokctl'), args, { env, onLine: (l) => l.trim() && o.log?.(`kwokctl: ${l}`) });
  if (r.code !== 0) throw new Error(`kwokctl delete cluster ${o.name} failed: ${(r.stderr || r.stdout).slice(-2000)}`);
}

/** Kill leftover component process groups (after a failed delete). */
export function killPids(pids: number[]): void {
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
}
