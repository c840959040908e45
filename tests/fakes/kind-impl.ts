// Implementation of the FAKE `kind` (see tests/fakes/kind): no Docker engine exists on the test
// machines, so "kind clusters" are kwok clusters (real etcd + kube-apiserver + controller-manager +
// scheduler, fake nodes) built by scripts/test-env/kube/build.sh. Node names, labels, taints and
// kubeconfig names (cluster/user/context `kind-<name>`) mimic real kind.
// State: ${LOGCLAW_FAKE_KIND_HOME:-${XDG_CACHE_HOME:-~/.cache}/logclaw-test-env/fake-kind}.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import type { KwokNodeSpec } from '../../scripts/test-env/kube/nodes.js';
import { runCmd } from '../../scripts/test-env/kube/run.js';
import {
  clusterDir,
  createKwokCluster,
  deleteKwokCluster,
  ensureKubeBinaries,
  killPids,
  kubeBinariesBuilt,
  kubeBinDir,
  readClusterPids,
} from '../../scripts/test-env/kube/kwok.js';

const FAKE_KIND_VERSION = 'kind v0.27.0-logclaw-fake go1.26 linux/amd64';

function home(): string {
  if (process.env.LOGCLAW_FAKE_KIND_HOME) return process.env.LOGCLAW_FAKE_KIND_HOME;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'logclaw-test-env', 'fake-kind');
}
const internalKubeconfig = (name: string) => path.join(home(), 'kubeconfigs', `${name}.yaml`);
const kindKubeconfigFile = (name: string) => path.join(home(), 'kubeconfigs', `kind-${name}.json`);

class UsageError extends Error {}

function kubectlPath(): string {
  const env = process.env.LOGCLAW_TEST_KUBECTL;
  if (env) return path.resolve(env);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'kubectl');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  throw new Error('fake kind: kubectl not found (put it on PATH or set LOGCLAW_TEST_KUBECTL)');
}

/** Target kubeconfig like kind: --kubeconfig, else first entry of $KUBECONFIG, else ~/.kube/config. */
function targetKubeconfig(flag?: string): string {
  if (flag) return path.resolve(flag);
  const env = (process.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
  if (env[0]) return path.resolve(env[0]);
  return path.join(os.homedir(), '.kube', 'config');
}

function parseFlags(args: string[], known: Record<string, 'string' | 'bool'>): { flags: Record<string, string>; rest: string[] } {
  const flags: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-')) {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = a.replace(/^--?/, '').slice(0, eq > 0 ? eq - (a.startsWith('--') ? 2 : 1) : undefined);
    const type = known[key];
    if (!type) throw new UsageError(`unknown flag: ${a}`);
    if (eq > 0) flags[key] = a.slice(eq + 1);
    else if (type === 'bool') flags[key] = 'true';
    else {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`flag needs an argument: ${a}`);
      flags[key] = v;
    }
  }
  return { flags, rest };
}

function parseDurationMs(s: string | undefined, dflt: number): number {
  if (!s) return dflt;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  let matched = false;
  while ((m = re.exec(s))) {
    matched = true;
    const n = Number(m[1]);
    total += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[m[2] as string]!;
  }
  if (!matched) throw new UsageError(`invalid duration "${s}"`);
  return total;
}

/** node-labels from kubeadm patches (kubeletExtraArgs as map, or v1beta4 list of {name,value}). */
function labelsFromKubeadmPatches(patches: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!Array.isArray(patches)) return labels;
  for (const p of patches) {
    if (typeof p !== 'string') continue;
    for (const doc of parseAllDocuments(p)) {
      const o = doc.toJS() as { nodeRegistration?: { kubeletExtraArgs?: unknown } } | null;
      const args = o?.nodeRegistration?.kubeletExtraArgs;
      let raw: string | undefined;
      if (Array.isArray(args)) {
        raw = (args as { name?: string; value?: string }[]).find((a) => a.name === 'node-labels')?.value;
      } else if (args && typeof args === 'object') {
        raw = (args as Record<string, string>)['node-labels'];
      }
      for (const kv of (raw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const i = kv.indexOf('=');
        if (i > 0) labels[kv.slice(0, i)] = kv.slice(i + 1);
        else labels[kv] = '';
      }
    }
  }
  return labels;
}

interface KindNodeConfig {
  role?: string;
  labels?: Record<string, string>;
  kubeadmConfigPatches?: unknown;
}

/** kind-like node list: <name>-control-plane[N], <name>-worker[N], with config labels. */
export function nodesFromKindConfig(name: string, configText?: string): KwokNodeSpec[] {
  const cfg = (configText ? parseYaml(configText) : {}) as {
    kind?: string;
    nodes?: KindNodeConfig[];
    kubeadmConfigPatches?: unknown;
  } | null;
  if (cfg && cfg.kind && cfg.kind !== 'Cluster') throw new Error(`kind config: unexpected kind "${cfg.kind}"`);
  const nodeCfgs = cfg?.nodes?.length ? cfg.nodes : [{ role: 'control-plane' }];
  const clusterLabels = labelsFromKubeadmPatches(cfg?.kubeadmConfigPatches);
  const hasWorkers = nodeCfgs.some((n) => (n.role ?? 'control-plane') === 'worker');
  let cp = 0;
  let wk = 0;
  return nodeCfgs.map((n) => {
    const role = n.role ?? 'control-plane';
    const isCp = role === 'control-plane';
    const idx = isCp ? ++cp : ++wk;
    const nodeName = `${name}-${isCp ? 'control-plane' : 'worker'}${idx > 1 ? idx : ''}`;
    const labels: Record<string, string> = {
      ...clusterLabels,
      ...labelsFromKubeadmPatches(n.kubeadmConfigPatches),
      ...Object.fromEntries(Object.entries(n.labels ?? {}).map(([k, v]) => [k, String(v)])),
    };
    if (isCp) {
      labels['node-role.kubernetes.io/control-plane'] = '';
      labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
    }
    const spec: KwokNodeSpec = { name: nodeName, labels };
    if (isCp && hasWorkers) spec.taints = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];
    return spec;
  });
}

function listClusters(): string[] {
  const dir = path.join(home(), 'clusters');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => fs.existsSync(path.join(dir, n, 'kwok.yaml')))
    .sort();
}

/** Build the kind-style kubeconfig (names `kind-<name>`) from kwokctl's, certificates embedded. */
async function writeKindKubeconfig(kubectl: string, name: string): Promise<string> {
  const r = await runCmd(kubectl, ['config', 'view', '--raw', '--flatten', '-o', 'json', '--kubeconfig', internalKubeconfig(name)]);
  if (r.code !== 0) throw new Error(`cannot read kwok kubeconfig: ${r.stderr}`);
  const src = JSON.parse(r.stdout) as {
    clusters: { cluster: Record<string, unknown> }[];
    users: { user: Record<string, unknown> }[];
  };
  const id = `kind-${name}`;
  const kc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': id,
    clusters: [{ name: id, cluster: src.clusters[0]?.cluster }],
    users: [{ name: id, user: src.users[0]?.user }],
    contexts: [{ name: id, context: { cluster: id, user: id } }],
  };
  const file = kindKubeconfigFile(name);
  fs.writeFileSync(file, JSON.stringify(kc, null, 2), { mode: 0o600 });
  return file;
}

/** Merge `fragment` into `target` (fragment wins, sets current-context), written atomically. */
async function mergeKubeconfig(kubectl: string, fragment: string, target: string): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const env = { ...process.env, KUBECONFIG: [fragment, target].join(path.delimiter) };
  const r = await runCmd(kubectl, ['config', 'view', '--raw', '--flatten'], { env });
  if (r.code !== 0) throw new Error(`cannot merge kubeconfig into ${target}: ${r.stderr}`);
  const tmp = `${target}.fake-kind-${process.pid}`;
  fs.writeFileSync(tmp, r.stdout, { mode: 0o600 });
  fs.renameSync(tmp, target);
}

async function removeFromKubeconfig(kubectl: string, name: string, target: string): Promise<void> {
  if (!fs.existsSync(target)) return;
  const id = `kind-${name}`;
  const kc = ['--kubeconfig', target];
  const cur = await runCmd(kubectl, [...kc, 'config', 'current-context']);
  await runCmd(kubectl, [...kc, 'config', 'delete-context', id]);
  await runCmd(kubectl, [...kc, 'config', 'delete-cluster', id]);
  await runCmd(kubectl, [...kc, 'config', 'delete-user', id]);
  if (cur.code === 0 && cur.stdout.trim() === id) await runCmd(kubectl, [...kc, 'config', 'unset', 'current-context']);
}

async function binDir(): Promise<string> {
  if (kubeBinariesBuilt()) return kubeBinDir();
  process.stderr.write('fake kind: building the kube binaries once (build.sh; 10-30 min cold)...\n');
  return ensureKubeBinaries(undefined, (l) => process.stderr.write(`  ${l}\n`));
}

async function createCluster(args: string[]): Promise<void> {
  const { flags } = parseFlags(args, {
    name: 'string',
    n: 'string',
    config: 'string',
    kubeconfig: 'string',
    wait: 'string',
    image: 'string',
    retain: 'bool',
    quiet: 'bool',
    q: 'bool',
    verbosity: 'string',
    v: 'string',
  });
  const name = flags.name ?? flags.n ?? process.env.KIND_CLUSTER_NAME ?? 'kind';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new UsageError(`invalid cluster name "${name}"`);
  const quiet = flags.quiet === 'true' || flags.q === 'true';
  const say = (s: string) => !quiet && process.stderr.write(s + '\n');
  if (listClusters().includes(name)) {
    throw new Error(`failed to create cluster: node(s) already exist for a cluster with the name "${name}"`);
  }
  const configText = flags.config ? fs.readFileSync(flags.config === '-' ? 0 : flags.config, 'utf8') : undefined;
  const nodes = nodesFromKindConfig(name, configText);
  const kubectl = kubectlPath();
  const bins = await binDir();
  say(`Creating cluster "${name}" ...`);
  say(' ✓ Ensuring node image (kwok fake: no Docker) 🖼');
  fs.mkdirSync(path.join(home(), 'kubeconfigs'), { recursive: true });
  const c = await createKwokCluster({
    name,
    workdir: home(),
    kubeconfig: internalKubeconfig(name),
    binDir: bins,
    kubectl,
    nodes,
    timeoutMs: Math.max(parseDurationMs(flags.wait, 0), 180_000),
    log: (l) => process.env.LOGCLAW_FAKE_KIND_DEBUG && process.stderr.write(l + '\n'),
  });
  say(` ✓ Preparing nodes ${'📦 '.repeat(nodes.length)}`);
  say(' ✓ Starting control-plane 🕹️');
  const fragment = await writeKindKubeconfig(kubectl, name);
  const target = targetKubeconfig(flags.kubeconfig);
  await mergeKubeconfig(kubectl, fragment, target);
  fs.writeFileSync(
    path.join(clusterDir(home(), name), 'fake-kind.json'),
    JSON.stringify({ name, kubeconfig: target, version: c.version, server: c.server, nodes: nodes.map((n) => n.name) }, null, 2),
  );
  if (flags.wait) say(` ✓ Waiting ≤ ${flags.wait} for control-plane = Ready ⏳`);
  say(`Set kubectl context to "kind-${name}"`);
  say(`You can now use your cluster with:\n\nkubectl cluster-info --context kind-${name}\n`);
}

async function deleteCluster(args: string[]): Promise<void> {
  const { flags } = parseFlags(args, {
    name: 'string',
    n: 'string',
    kubeconfig: 'string',
    verbosity: 'string',
    v: 'string',
    quiet: 'bool',
    q: 'bool',
  });
  const name = flags.name ?? flags.n ?? process.env.KIND_CLUSTER_NAME ?? 'kind';
  process.stderr.write(`Deleting cluster "${name}" ...\n`);
  const dir = clusterDir(home(), name);
  const kubectl = kubectlPath();
  let recorded: string | undefined;
  let nodeNames: string[] = [];
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'fake-kind.json'), 'utf8')) as { kubeconfig?: string; nodes?: string[] };
    recorded = meta.kubeconfig;
    nodeNames = meta.nodes ?? [];
  } catch {
    /* not created by us or half-created */
  }
  if (fs.existsSync(dir)) {
    try {
      await deleteKwokCluster({ name, workdir: home(), binDir: kubeBinDir(), kubectl, kubeconfig: internalKubeconfig(name) });
    } catch (e) {
      killPids(readClusterPids(dir));
      fs.rmSync(dir, { recursive: true, force: true });
      process.stderr.write(`fake kind: ${(e as Error).message}\n`);
    }
  }
  const targets = new Set([targetKubeconfig(flags.kubeconfig), ...(recorded ? [recorded] : [])]);
  for (const t of targets) await removeFromKubeconfig(kubectl, name, t);
  fs.rmSync(internalKubeconfig(name), { force: true });
  fs.rmSync(kindKubeconfigFile(name), { force: true });
  if (nodeNames.length) process.stderr.write(`Deleted nodes: ${JSON.stringify(nodeNames)}\n`);
}

async function getCmd(args: string[]): Promise<void> {
  const [what, ...rest] = args;
  if (what === 'clusters') {
    const names = listClusters();
    if (names.length === 0) process.stderr.write('No kind clusters found.\n');
    else process.stdout.write(names.join('\n') + '\n');
    return;
  }
  if (what === 'kubeconfig') {
    const { flags } = parseFlags(rest, { name: 'string', n: 'string', internal: 'bool' });
    const name = flags.name ?? flags.n ?? process.env.KIND_CLUSTER_NAME ?? 'kind';
    if (!listClusters().includes(name)) throw new Error(`could not locate any control plane nodes for cluster named '${name}'`);
    const kubectl = kubectlPath();
    const fragment = await writeKindKubeconfig(kubectl, name);
    const r = await runCmd(kubectl, ['config', 'view', '--raw', '--kubeconfig', fragment]);
    if (r.code !== 0) throw new Error(r.stderr);
    process.stdout.write(r.stdout);
    return;
  }
  if (what === 'nodes') {
    const { flags } = parseFlags(rest, { name: 'string', n: 'string', 'all-clusters': 'bool', A: 'bool' });
    const name = flags.name ?? flags.n ?? process.env.KIND_CLUSTER_NAME ?? 'kind';
    try {
      const meta = JSON.parse(fs.readFileSync(path.join(clusterDir(home(), name), 'fake-kind.json'), 'utf8')) as { nodes: string[] };
      process.stdout.write(meta.nodes.join('\n') + '\n');
    } catch {
      process.stderr.write(`No kind nodes found for cluster "${name}".\n`);
    }
    return;
  }
  throw new UsageError(`unknown "get" subcommand "${what ?? ''}" (fake kind supports: clusters, kubeconfig, nodes)`);
}

const USAGE = `FAKE kind (kwok-based, no Docker). Supported:
  kind create cluster [--name N] [--config F] [--kubeconfig P] [--wait D]
  kind delete cluster [--name N] [--kubeconfig P]
  kind get clusters | kind get kubeconfig [--name N] | kind get nodes [--name N]
  kind version
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  try {
    if (cmd === 'version' || cmd === '--version') {
      process.stdout.write(FAKE_KIND_VERSION + '\n');
    } else if (cmd === 'create' && sub === 'cluster') {
      await createCluster(rest);
    } else if (cmd === 'delete' && sub === 'cluster') {
      await deleteCluster(rest);
    } else if (cmd === 'get') {
      await getCmd([sub ?? '', ...rest]);
    } else if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      process.stdout.write(USAGE);
    } else {
      throw new UsageError(`"${argv.join(' ')}" is not supported by this fake kind`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`ERROR: ${(e as Error).message}\n`);
    if (e instanceof UsageError) process.stderr.write(USAGE);
    return 1;
  }
}
