// The ml-engine chart's Feast pod, run for real: the rendered init and server containers' own
// commands, their paths mapped to temporary folders, with Feast 0.40.1 from the feast test-env, on
// the rendered ConfigMap laid out on disk as the kubelet mounts it.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { shellWords } from '#contract/command.js';
import { freePort } from '../../scripts/test-env/env.js';
import type { FeastEndpoint } from '../../scripts/test-env/feast/component.js';
import { useTempDir } from '../support/temp.js';
import { useTestEnv } from '../support/test-env.js';
import { type K8sObject, LOCAL, get, preparedCharts, render } from './support.js';

interface Container {
  name: string;
  image: string;
  command: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet: { path: string } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  initContainers: Container[];
  containers: Container[];
  volumes: { name: string; configMap?: { name: string }; emptyDir?: object }[];
}

const NAME = 'logclaw-ml-engine-dev-local-feast-server';
/** The kubelet's hidden folder for one version of the ConfigMap (a fixed "..<UTC time>.<random>"). */
const STAMPED = '..2024_08_09_12_21_04.1234567890';
/** The init container before the fix: `feast apply` straight on the ConfigMap, mounted at /feast/repo. */
const OLD_APPLY = {
  command: ['feast', '--chdir', '/feast/repo', 'apply'],
  mount: { name: 'config', mountPath: '/feast/repo', readOnly: true },
};
/** On a loaded 2-core machine importing Feast alone takes 20 s; apply and server start each take about 30 s. */
const RUN_MS = 180_000;

let feast: FeastEndpoint;
let docs: K8sObject[];
let pod: PodSpec;
let configMap: Record<string, string>;

beforeAll(async () => {
  const env = await useTestEnv('tools', 'feast');
  feast = env.feast;
  docs = await render(env.tools.helm, await preparedCharts(env.tools.helm), 'logclaw-ml-engine', { files: LOCAL });
  pod = (get(docs, 'Deployment', NAME).spec as { template: { spec: PodSpec } }).template.spec;
  configMap = get(docs, 'ConfigMap', NAME).data as Record<string, string>;
});

const tempDir = useTempDir('logclaw-feast-');
const children: ChildProcess[] = [];

afterEach(async () => {
  // Servers run in their own process group (gunicorn forks a worker): end the group, wait for the leader.
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const closed = new Promise((resolve) => child.once('close', resolve));
    process.kill(-child.pid!, 'SIGKILL');
    await closed;
  }
});

/** A container path → host folder map, longest first, applied to command words, env values and file content. */
type PathMap = [string, string][];

function mapPaths(text: string, paths: PathMap): string {
  return paths.reduce(
    (acc, [from, to]) => acc.replace(new RegExp(`${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`, 'g'), to),
    text,
  );
}

/**
 * The kubelet's ConfigMap volume (kubernetes pkg/volume/util/atomic_writer.go): the files in a hidden
 * timestamped folder, `..data` linked to it, and each visible file a link to `..data/<file>`.
 */
function kubeletConfigMap(dir: string, data: Record<string, string>): void {
  mkdirSync(join(dir, STAMPED), { recursive: true });
  chmodSync(join(dir, STAMPED), 0o755);
  for (const [file, content] of Object.entries(data)) {
    writeFileSync(join(dir, STAMPED, file), content, { mode: 0o644 });
    symlinkSync(join('..data', file), join(dir, file));
  }
  symlinkSync(STAMPED, join(dir, '..data'));
}

/** The pod's volumes as host folders (a ConfigMap laid out as the kubelet does) and the mount-path map. */
function podOnDisk(spec: PodSpec) {
  const root = tempDir();
  const hostDirs = Object.fromEntries(spec.volumes.map((v) => [v.name, join(root, v.name)]));
  const paths = new Map<string, string>();
  for (const c of [...spec.initContainers, ...spec.containers]) {
    for (const m of c.volumeMounts) {
      expect(paths.get(m.mountPath) ?? hostDirs[m.name], `${m.mountPath} is one volume in every container`).toBe(hostDirs[m.name]);
      paths.set(m.mountPath, hostDirs[m.name]!);
    }
  }
  const map: PathMap = [...paths].sort((a, b) => b[0].length - a[0].length);
  const mapped = Object.fromEntries(Object.entries(configMap).map(([file, text]) => [file, mapPaths(text, map)]));
  for (const v of spec.volumes) {
    if (v.configMap) kubeletConfigMap(hostDirs[v.name]!, mapped);
    else mkdirSync(hostDirs[v.name]!);
  }
  return { paths: map, hostDirs };
}

/** A container's own command line (paths mapped) and environment, with the Feast virtualenv first on PATH. */
function commandOf(c: Container, paths: PathMap, rewrite: (word: string) => string = (w) => w) {
  const text = shellWords([...c.command, ...(c.args ?? [])].map((w) => rewrite(mapPaths(w, paths))));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${feast.bin}:${process.env.PATH}` };
  for (const e of c.env ?? []) {
    if (e.value === undefined) throw new Error(`${c.name}: env ${e.name} is not a plain value; the local profile has none`);
    env[e.name] = mapPaths(e.value, paths);
  }
  return { text, env };
}

function start(command: { text: string; env: NodeJS.ProcessEnv }, detached = false) {
  const child = spawn('sh', ['-c', command.text], { env: command.env, detached, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, exit, output: () => output };
}

async function runToEnd(command: { text: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; output: string }> {
  const run = start(command);
  const code = await run.exit;
  return { code, output: run.output() };
}

/** Polls the real endpoint until it answers 200; fails at the deadline or as soon as the server exits. */
async function waitForOk(url: string, server: ReturnType<typeof start>, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let exited = false;
  void server.exit.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`the server exited before ${url} answered:\n${server.output()}`);
    const status = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer 200 within ${deadlineMs} ms (last: ${status || 'refused'}):\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('Feast on the ConfigMap (ml-engine chart, local profile)', () => {
  it('runs the chart image of the tested Feast and reads the ConfigMap only through a copy in an emptyDir', () => {
    const [init] = pod.initContainers;
    const [server] = pod.containers;
    expect(init!.image).toBe(`docker.io/feastdev/feature-server:${feast.version}`);
    expect(server!.image).toBe(init!.image);
    const kind = (name: string) => Object.keys(pod.volumes.find((v) => v.name === name)!).find((k) => k !== 'name');
    expect(init!.volumeMounts.map((m) => [m.name, kind(m.name)])).toEqual([
      ['config', 'configMap'],
      ['repo', 'emptyDir'],
      ['data', 'emptyDir'],
    ]);
    expect(server!.volumeMounts.map((m) => kind(m.name))).not.toContain('configMap');
  });

  it(
    'the previous init command, feast apply on the ConfigMap mount itself, fails with the relative-import error',
    async () => {
      const init = pod.initContainers[0]!;
      // The previous pod: the same init container and env, the ConfigMap volume where the repo copy is now.
      const old = {
        ...init,
        command: OLD_APPLY.command,
        volumeMounts: [OLD_APPLY.mount, ...init.volumeMounts.filter((m) => m.name === 'data')],
      };
      const { paths } = podOnDisk({ initContainers: [old], containers: [], volumes: pod.volumes.filter((v) => v.name !== 'repo') });
      const result = await runToEnd(commandOf(old, paths));
      expect(result.code, result.output).not.toBe(0);
      // Feast resolves the links and turns the hidden folder into a module name.
      expect(result.output).toContain(
        `TypeError: the 'package' argument is required to perform a relative import for '${STAMPED}.features'`,
      );
    },
    RUN_MS,
  );

  it(
    'the init container applies the features from its copy, and the server started from the same copy answers /health with 200',
    async () => {
      const { paths, hostDirs } = podOnDisk(pod);
      const init = pod.initContainers[0]!;
      const applied = await runToEnd(commandOf(init, paths));
      expect(applied.code, applied.output).toBe(0);
      const store = YAML.parse(configMap['feature_store.yaml']!) as { registry: string };
      expect(existsSync(mapPaths(store.registry, paths)), 'registry written by feast apply').toBe(true);
      // The copy holds the ConfigMap's files themselves, not links into the mount.
      expect(readdirSync(hostDirs.repo!).sort()).toEqual(Object.keys(configMap).sort());
      for (const file of Object.keys(configMap)) expect(lstatSync(join(hostDirs.repo!, file)).isFile(), file).toBe(true);

      const server = pod.containers[0]!;
      const containerPort = String(server.ports![0]!.containerPort);
      const port = await freePort();
      const words = [...server.command, ...(server.args ?? [])];
      // The container listens on every interface at its port; here, loopback on a free port.
      expect(words).toEqual(expect.arrayContaining(['0.0.0.0', containerPort]));
      const command = commandOf(server, paths, (w) => (w === '0.0.0.0' ? '127.0.0.1' : w === containerPort ? String(port) : w));
      const serving = start(command, true);
      const base = `http://127.0.0.1:${port}`;
      await waitForOk(`${base}${server.readinessProbe!.httpGet.path}`, serving, RUN_MS - 60_000);

      // The server reads the registry the init container wrote: the feature view is known.
      const response = await fetch(`${base}/get-online-features`, {
        method: 'POST',
        body: JSON.stringify({ features: ['service_error_stats:error_rate'], entities: { service: ['api'] } }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { metadata: { feature_names: string[] } }).metadata.feature_names).toEqual([
        'service',
        'error_rate',
      ]);
      // The server's mount of the copy is read-only: it must not have written there.
      expect(readdirSync(hostDirs.repo!).sort()).toEqual(Object.keys(configMap).sort());
    },
    RUN_MS * 2,
  );
});
