// The install and uninstall jobs as DAGs of idempotent steps. Each step is built from the job's
// saved params alone (so a restarted app resumes the same plan), knows its dependencies, whether
// it is safe to skip, and the kind/helm/kubectl command lines it stands for.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiextensionsV1Api, CoreV1Api, type KubeConfig, StorageV1Api, VersionApi } from '@kubernetes/client-node';
import YAML from 'yaml';
import { AppError } from '../../contract/index.js';
import type { StepKind } from '../../contract/stack.js';
import type { BackendContext } from '../../domain.js';
import { writeFileAtomic } from '../fs-atomic.js';
import type { StepContext } from '../jobs/job-runner.js';
import type { RunOptions } from '../tools/run-tool.js';
import { type ManifestObject, type RunTool, helmContext, helmManifest, helmMessage, helmRelease, repairPending, toolOptions } from './helm.js';
import { ZONE, ZONE_LABEL, forgetCluster, mergeKubeconfig, renderKindConfig } from './kind.js';
import { type PlanOperator, type PlanRelease, type StackPlan, assertChartReady, chartPath, fill, parseTenantValues, valuesForChart } from './plan.js';
import { type DevSecretsStore, secretValues, secretValuesFor } from './secrets.js';
import { isWatched, parseDuration, waitCommand, waitForReady } from './readiness.js';
import { type ResolvedTarget, displayFlags, kubeConfigFor, managedKubeconfig, shellLine } from './target.js';

export interface UpParams {
  tenant: string;
  storageClass: string;
  target: ResolvedTarget;
  valuesFile?: string;
  overrides?: string;
  timeout: string;
  ignorePreflight: string[];
  /** The releases chosen when the job started (stable across resumes). */
  releases: string[];
  /** dag: independent releases in parallel (the app); serial: one after another in plan order (the benchmark's baseline). */
  schedule: 'dag' | 'serial';
}

export interface DownParams {
  tenant: string;
  target: ResolvedTarget;
  deleteCluster: boolean;
  /** Releases found when the job started, by plan name → release. */
  installed: Array<{ name: string; release: string }>;
  timeout: string;
}

export interface StepSpec {
  id: string;
  title: string;
  kind: StepKind;
  dependsOn: string[];
  skippable: boolean;
  commands: string[];
  run(ctx: StepContext): Promise<void>;
}

export interface StepEnv {
  ctx: BackendContext;
  plan: StackPlan;
  chartsDir: string;
  secrets: DevSecretsStore;
  /** Chart repository that replaces every operator's (air-gapped mirrors, tests). */
  operatorRepo?: string;
  /** Where the Strimzi CRD bundle comes from (URL or file). */
  strimziCrdsUrl(version: string): string;
  preflight(params: UpParams, ignore: string[]): Promise<{ ok: boolean; lines: string[]; report: unknown }>;
}

const STRIMZI_CRDS = ['kafkas', 'kafkanodepools', 'kafkatopics', 'kafkausers'].map((plural) => `${plural}.kafka.strimzi.io`);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function namespaceOf(tenant: string): string {
  return `logclaw-${tenant}`;
}

/** `v1.16.1+logclaw-fake` and `v1.16.1` are the same version for "already installed". */
function sameVersion(a: string, b: string): boolean {
  const norm = (v: string) => v.replace(/^v/, '').replace(/\+.*$/, '');
  return norm(a) === norm(b);
}

function runner(env: StepEnv, s: StepContext, redact: string[] = []) {
  const run: RunTool = (name, args, options: RunOptions = {}) =>
    env.ctx.tools.run(name, args, { onLine: (line, stream) => s.line(line, stream), ...options, signal: s.signal, redact: [...redact, ...(options.redact ?? [])] });
  return run;
}

function kubeFor(env: StepEnv, target: ResolvedTarget): KubeConfig {
  return kubeConfigFor(target, env.ctx.env);
}

async function writeValues(path: string, values: unknown): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, YAML.stringify(values));
  await chmod(path, 0o600);
  return path;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const left = out[key];
    out[key] = left && value && typeof left === 'object' && typeof value === 'object' && !Array.isArray(left) && !Array.isArray(value) ? deepMerge(left as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

/** The user's tenant-layout overrides, read at each run (so fixing the file and retrying works). */
async function userValues(params: UpParams): Promise<Record<string, unknown>> {
  let values: Record<string, unknown> = {};
  if (params.valuesFile) {
    const text = await readFile(params.valuesFile, 'utf8').catch((error: Error) => {
      throw new AppError('INVALID_REQUEST', `Cannot read the values file ${params.valuesFile}: ${error.message}`);
    });
    values = parseTenantValues(text, params.valuesFile);
  }
  if (params.overrides) values = deepMerge(values, parseTenantValues(params.overrides, 'the overrides'));
  return values;
}

/** helm's failure as a failure card: its own message, a hint for the common causes, the command. */
function helmFailure(error: unknown, command: string, release: string): AppError {
  if (error instanceof AppError && error.code === 'CANCELLED') return error;
  const message = helmMessage(error) ?? (error as Error).message;
  const conflict = /(\w+) "([^"]+)" in namespace "([^"]+)" exists and cannot be imported/.exec(message);
  const hint = conflict
    ? `${conflict[1]} ${conflict[2]} already exists and does not belong to ${release}: delete it (kubectl delete ${conflict[1]!.toLowerCase()} ${conflict[2]} -n ${conflict[3]}) or remove it from your values, then retry.`
    : /values don't meet the specifications|schema/i.test(message)
      ? 'A value does not match the chart\'s schema: fix your values file, then retry.'
      : 'Read helm\'s message below, fix the cause, then retry the step.';
  const detail = (error as { detail?: { stderrTail?: string[] } }).detail;
  return new AppError('HELM_FAILED', `helm could not install ${release}: ${message}`, { hint, detail: { command, stderrTail: detail?.stderrTail ?? [] }, cause: error });
}

async function waitObjects(env: StepEnv, s: StepContext, target: ResolvedTarget, all: ManifestObject[], namespace: string, timeout: string): Promise<void> {
  const objects = all.filter(isWatched);
  for (const object of objects) s.command(shellLine([...waitCommand(object, namespace, timeout), ...displayFlags(target, 'kubectl')]));
  if (objects.length === 0) return;
  s.line(`waiting for ${objects.length} resource(s) to be ready (timeout ${timeout})`);
  await waitForReady(kubeFor(env, target), objects, namespace, {
    signal: s.signal,
    timeoutMs: parseDuration(timeout),
    onProgress: (summary) => s.message(summary),
    onLine: (text) => s.line(text),
  });
  s.message(`${objects.length} resource(s) ready`);
}

async function waitApi(kc: KubeConfig, s: StepContext, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const version = await kc.makeApiClient(VersionApi).getCode();
      return version.gitVersion;
    } catch (error) {
      last = (error as Error).message;
      if (Date.now() > deadline) throw new AppError('KUBE_UNREACHABLE', `The cluster's API server does not answer: ${last}`, { hint: 'Is the cluster running? `kubectl cluster-info` shows what kubectl sees.' });
      await sleep(1000, s.signal);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Install

export function upSteps(env: StepEnv, params: UpParams): StepSpec[] {
  const { plan, ctx } = env;
  const { target, tenant, timeout } = params;
  const namespace = namespaceOf(tenant);
  const helmFlags = displayFlags(target, 'helm');
  const kubectlFlags = displayFlags(target, 'kubectl');
  // Dependencies on releases this tenant does not get are dropped (the plan: "zammad only when it is installed").
  const releases = plan.tenant.releases
    .filter((release) => params.releases.includes(release.name))
    .map((release) => ({ ...release, dependsOn: release.dependsOn.filter((dep) => params.releases.includes(dep)) }));
  const operatorsNeeded = plan.operators;
  const steps: StepSpec[] = [];

  steps.push({
    id: 'preflight',
    title: 'Preflight checks',
    kind: 'preflight',
    dependsOn: [],
    skippable: true,
    commands: target.mode === 'kind'
      ? ['docker info --format "{{.NCPU}} CPUs, {{.MemTotal}} bytes"', 'sysctl vm.max_map_count fs.inotify.max_user_watches fs.inotify.max_user_instances', 'kind version', 'helm version', 'kubectl version --client']
      : ['helm version', 'kubectl version --client', shellLine(['kubectl', 'get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,CPU:.status.allocatable.cpu,MEMORY:.status.allocatable.memory', ...kubectlFlags])],
    async run(s) {
      const result = await env.preflight(params, params.ignorePreflight);
      for (const line of result.lines) s.line(line);
      if (!result.ok) {
        const failed = (result.report as { checks: Array<{ id: string; title: string; status: string }> }).checks.filter((check) => check.status === 'fail' && !params.ignorePreflight.includes(check.id));
        throw new AppError('PREFLIGHT_FAILED', `${failed.map((check) => check.title).join(', ')} failed; nothing was created`, {
          hint: `Fix them (each check says how), then retry; or accept them: --ignore-preflight ${failed.map((check) => check.id).join(',')} (Skip in the app).`,
          detail: { preflight: result.report },
        });
      }
      s.message('all checks passed or accepted');
    },
  });

  const clusterCommands = target.mode === 'kind'
    ? [
        shellLine(['kind', 'create', 'cluster', '--name', target.cluster, '--config', join(ctx.dataDir, 'stack', `kind-${target.cluster}.yaml`), '--kubeconfig', managedKubeconfig(ctx.dataDir), '--wait', '120s']),
        shellLine(['kubectl', 'label', 'node', `${target.cluster}-control-plane`, `${ZONE_LABEL}=${ZONE}`, '--overwrite', ...kubectlFlags]),
      ]
    : [shellLine(['kubectl', 'cluster-info', ...kubectlFlags]), shellLine(['kubectl', 'get', 'storageclass', params.storageClass, ...kubectlFlags])];
  steps.push({
    id: 'cluster',
    title: target.mode === 'kind' ? `kind cluster ${target.cluster}` : `Cluster ${target.context}`,
    kind: 'cluster',
    dependsOn: ['preflight'],
    skippable: false,
    commands: clusterCommands,
    run: (s) => (target.mode === 'kind' ? kindCluster(env, params, target.cluster, s) : existingCluster(env, params, s)),
  });

  for (const operator of operatorsNeeded) {
    const repo = env.operatorRepo ?? operator.chart.repository;
    steps.push({
      id: `operator:${operator.name}`,
      title: `Operator ${operator.name} ${operator.chart.version}`,
      kind: 'operator',
      dependsOn: ['cluster', ...operator.dependsOn.map((dep) => `operator:${dep}`)],
      skippable: false,
      commands: [
        shellLine(['helm', 'upgrade', '--install', operator.name, operator.chart.name, '--repo', repo, '--version', operator.chart.version, '--namespace', operator.namespace, '--create-namespace', '-f', operatorValuesPath(ctx.dataDir, operator.name), '--timeout', timeout, ...helmFlags]),
        shellLine(['kubectl', 'wait', '--for=condition=Available', 'deployment', '--all', '-n', operator.namespace, `--timeout=${timeout}`, ...kubectlFlags]),
      ],
      run: (s) => installOperator(env, params, operator, repo, s),
    });
  }

  const strimzi = plan.operators.find((operator) => operator.name === 'strimzi');
  if (strimzi) {
    steps.push({
      id: 'crds:strimzi',
      title: 'Strimzi CRDs serve kafka.strimzi.io/v1',
      kind: 'crds',
      dependsOn: ['operator:strimzi'],
      skippable: false,
      commands: [
        shellLine(['kubectl', 'get', 'crd', 'kafkausers.kafka.strimzi.io', '-o', 'jsonpath={.spec.versions[*].name}', ...kubectlFlags]),
        shellLine(['kubectl', 'apply', '-f', `https://github.com/strimzi/strimzi-kafka-operator/releases/download/${strimzi.chart.version}/strimzi-crds-${strimzi.chart.version}.yaml`, '--server-side', '--force-conflicts', ...kubectlFlags]),
        shellLine(['kubectl', 'rollout', 'restart', 'deployment', '-n', strimzi.namespace, 'strimzi-cluster-operator', ...kubectlFlags]),
      ],
      run: (s) => strimziCrds(env, params, strimzi, s),
    });
  }

  steps.push({
    id: 'namespace',
    title: `Namespace ${namespace}`,
    kind: 'namespace',
    dependsOn: ['cluster'],
    skippable: false,
    commands: [shellLine(['kubectl', 'create', 'namespace', namespace, ...kubectlFlags]), shellLine(['kubectl', 'label', 'namespace', namespace, 'app.kubernetes.io/part-of=logclaw', `logclaw.io/tenant=${tenant}`, '--overwrite', ...kubectlFlags])],
    async run(s) {
      await ensureNamespace(kubeFor(env, target), namespace, tenant, s, parseDuration(timeout));
    },
  });

  steps.push({
    id: 'secrets',
    title: 'Dev secrets',
    kind: 'secrets',
    dependsOn: ['preflight'],
    skippable: false,
    commands: [shellLine(['kubectl', 'get', 'secret', 'opensearch-admin-credentials', '-n', namespace, '-o', 'jsonpath={.data.password}', ...kubectlFlags]) + ' | base64 -d'],
    async run(s) {
      const { created } = await env.secrets.ensure(tenant);
      s.line(created ? `generated dev secrets for ${tenant} (kept in the app's data folder, mode 0600)` : `reusing the dev secrets of ${tenant}`);
      s.message('OpenSearch, Airflow, Redis and Kafka credentials ready (Stack → Dev secrets)');
    },
  });

  const operatorSteps = new Set(steps.filter((step) => step.kind === 'operator' || step.kind === 'crds').map((step) => step.id));
  const dependents = new Set(releases.flatMap((release) => release.dependsOn));
  let previous: string | undefined;
  for (const release of releases) {
    const operatorDeps = release.operators.flatMap((name) => (name === 'strimzi' && operatorSteps.has('crds:strimzi') ? ['crds:strimzi'] : [`operator:${name}`]));
    const dependsOn =
      params.schedule === 'serial'
        ? previous
          ? [previous]
          : ['namespace', 'secrets', ...operatorSteps]
        : ['namespace', 'secrets', ...operatorDeps, ...release.dependsOn.map((dep) => `release:${dep}`)];
    const name = fill(release.release, tenant);
    const chartDir = chartPath(env.chartsDir, release.chart);
    const files = release.values.local.map((file) => chartPath(env.chartsDir, file));
    steps.push({
      id: `release:${release.name}`,
      title: `Release ${name}`,
      kind: 'release',
      dependsOn,
      skippable: !dependents.has(release.name),
      commands: [
        shellLine(['helm', 'upgrade', '--install', name, chartDir, '--namespace', namespace, ...files.flatMap((file) => ['-f', file]), '-f', releaseValuesPath(ctx.dataDir, tenant, release.name, 'app'), '--timeout', timeout, ...helmFlags]),
      ],
      run: (s) => installRelease(env, params, release, s),
    });
    previous = `release:${release.name}`;
  }
  return steps;
}

function operatorValuesPath(dataDir: string, name: string): string {
  return join(dataDir, 'stack', 'values', 'operators', `${name}.yaml`);
}

function releaseValuesPath(dataDir: string, tenant: string, name: string, which: 'app' | 'user'): string {
  return join(dataDir, 'stack', 'values', tenant, `${name}.${which}.yaml`);
}

async function kindProviderEnv(env: StepEnv): Promise<Record<string, string>> {
  const [docker, podman] = await env.ctx.tools.detect(['docker', 'podman']);
  return !docker?.ok && podman?.ok ? { KIND_EXPERIMENTAL_PROVIDER: 'podman' } : {};
}

async function kindCluster(env: StepEnv, params: UpParams, name: string, s: StepContext): Promise<void> {
  const { ctx } = env;
  const run = runner(env, s);
  const managed = managedKubeconfig(ctx.dataDir);
  const provider = await kindProviderEnv(env);
  const { stdout } = await run('kind', ['get', 'clusters'], { env: provider });
  const exists = stdout.split('\n').map((line) => line.trim()).includes(name);
  if (exists) {
    s.line(`kind cluster "${name}" already exists: reusing it`);
    s.message('reusing the existing cluster');
    // Not streamed: a kubeconfig holds credentials.
    const exported = await env.ctx.tools.run('kind', ['get', 'kubeconfig', '--name', name], { env: provider, signal: s.signal });
    await mergeKubeconfig(managed, exported.stdout);
  } else {
    const config = join(ctx.dataDir, 'stack', `kind-${name}.yaml`);
    await writeFileAtomic(config, renderKindConfig(name));
    s.message(`kind create cluster --name ${name}`);
    await run('kind', ['create', 'cluster', '--name', name, '--config', config, '--kubeconfig', managed, '--wait', '120s'], { env: provider });
  }
  const kc = kubeFor(env, params.target);
  const version = await waitApi(kc, s, 60_000);
  s.line(`Kubernetes ${version} answers at ${kc.getCurrentCluster()?.server ?? '?'}`);
  await labelZone(kc, s);
  // From now on the app (forwards, Kafka, Search, `logclaw status`) talks to this cluster.
  const settings = ctx.settings.current;
  if (settings.kubeconfig !== managed || settings.context !== params.target.context) {
    const next = await ctx.settings.update({ kubeconfig: managed, context: params.target.context });
    ctx.bus.emit('settings:changed', next);
    s.line(`Settings now use ${managed} (context ${params.target.context})`);
  }
  s.message(`Kubernetes ${version}`);
}

/** The control-plane node carries the zone label the charts' topology spread needs (idempotent). */
async function labelZone(kc: KubeConfig, s: StepContext): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const nodes = await core.listNode();
  for (const node of nodes.items) {
    const name = node.metadata?.name;
    if (!name || node.metadata?.labels?.[ZONE_LABEL]) continue;
    await core.patchNode({ name, body: [{ op: 'add', path: `/metadata/labels/${ZONE_LABEL.replace('/', '~1')}`, value: ZONE }] });
    s.line(`labelled node ${name} ${ZONE_LABEL}=${ZONE}`);
  }
}

async function existingCluster(env: StepEnv, params: UpParams, s: StepContext): Promise<void> {
  const kc = kubeFor(env, params.target);
  const version = await waitApi(kc, s, 15_000);
  s.line(`Kubernetes ${version} answers at ${kc.getCurrentCluster()?.server ?? '?'} (context ${params.target.context})`);
  const storage = await kc
    .makeApiClient(StorageV1Api)
    .readStorageClass({ name: params.storageClass })
    .then(() => true)
    .catch(() => false);
  if (!storage) s.line(`warning: StorageClass "${params.storageClass}" does not exist: volumes (OpenSearch, PostgreSQL) will stay Pending unless you pass --storage-class`, 'stderr');
  s.message(`Kubernetes ${version}`);
}

async function ensureNamespace(kc: KubeConfig, namespace: string, tenant: string, s: StepContext, timeoutMs: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const labels = { 'app.kubernetes.io/part-of': 'logclaw', 'logclaw.io/tenant': tenant };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const existing = await core.readNamespace({ name: namespace }).catch((error: { code?: number }) => {
      if (error.code === 404) return null;
      throw error;
    });
    if (!existing) {
      await core.createNamespace({ body: { metadata: { name: namespace, labels } } }).catch((error: { code?: number }) => {
        if (error.code !== 409) throw error;
      });
      s.line(`created namespace ${namespace}`);
      return;
    }
    if (existing.status?.phase !== 'Terminating') {
      s.line(`namespace ${namespace} exists`);
      return;
    }
    if (Date.now() > deadline) throw new AppError('TIMEOUT', `Namespace ${namespace} is still terminating`, { hint: 'An earlier uninstall has not finished; look for finalizers on its objects.' });
    s.message(`waiting for the old ${namespace} to finish terminating`);
    await sleep(1000, s.signal);
  }
}

async function installOperator(env: StepEnv, params: UpParams, operator: PlanOperator, repo: string, s: StepContext): Promise<void> {
  const run = runner(env, s);
  const { target, timeout } = params;
  const existing = await helmRelease(run, target, operator.name, operator.namespace, { onLine: undefined });
  if (existing?.status === 'deployed' && sameVersion(existing.chartVersion, operator.chart.version)) {
    s.line(`${operator.name} ${existing.chartVersion} is already installed in ${operator.namespace} (once per cluster): checking it is ready`);
  } else {
    await repairPending(run, target, operator.name, operator.namespace, { line: (text) => s.line(text), onLine: undefined });
    const values = await writeValues(operatorValuesPath(env.ctx.dataDir, operator.name), operator.values);
    const args = ['upgrade', '--install', operator.name, operator.chart.name, '--repo', repo, '--version', operator.chart.version, '--namespace', operator.namespace, '--create-namespace', '-f', values, '--timeout', timeout];
    const command = shellLine(['helm', ...args, ...displayFlags(target, 'helm')]);
    s.command(command);
    s.message(`helm upgrade --install ${operator.name} (${repo})`);
    try {
      await run('helm', [...args, ...helmContext(target)], toolOptions(target));
    } catch (error) {
      throw helmFailure(error, command, operator.name);
    }
  }
  const objects = (await helmManifest(run, target, operator.name, operator.namespace, { onLine: undefined })).filter((object) => object.kind === 'Deployment');
  await waitObjects(env, s, target, objects, operator.namespace, timeout);
}

/**
 * Helm installs CRDs only on first install and never upgrades them, so a cluster that had an older
 * Strimzi keeps CRDs without kafka.strimzi.io/v1 and the entity operator crash-loops (the seed's
 * troubleshooting). Checked every time; upgraded server-side when needed, then the operator restarts.
 */
async function strimziCrds(env: StepEnv, params: UpParams, strimzi: PlanOperator, s: StepContext): Promise<void> {
  const kc = kubeFor(env, params.target);
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const problems = async () => {
    const found: string[] = [];
    for (const name of STRIMZI_CRDS) {
      const crd = await api.readCustomResourceDefinition({ name }).catch((error: { code?: number }) => {
        if (error.code === 404) return null;
        throw error;
      });
      const served = (crd?.spec.versions ?? []).filter((version) => version.served).map((version) => version.name);
      if (!served.includes('v1')) found.push(`${name} ${crd ? `serves ${served.join(', ')}` : 'is missing'}`);
    }
    return found;
  };
  const before = await problems();
  if (before.length === 0) {
    s.line(`${STRIMZI_CRDS.join(', ')} serve v1 (Strimzi ${strimzi.chart.version})`);
    s.message('CRDs match the operator');
    return;
  }
  const url = env.strimziCrdsUrl(strimzi.chart.version);
  s.line(`CRDs older than Strimzi ${strimzi.chart.version}: ${before.join('; ')}`);
  s.line(`upgrading them server-side from ${url}`);
  s.message('upgrading the Strimzi CRDs');
  const bundle = /^https?:\/\//.test(url)
    ? await fetch(url, { signal: s.signal }).then(async (response) => {
        if (!response.ok) throw new AppError('DOWNLOAD_FAILED', `Cannot download ${url}: HTTP ${response.status}`);
        return response.text();
      })
    : await readFile(url, 'utf8');
  const run = runner(env, s);
  const flags = ['--context', params.target.context];
  const apply = ['apply', '--server-side', '--force-conflicts', '-f', '-', ...flags];
  s.command(shellLine(['kubectl', 'apply', '-f', url, '--server-side', '--force-conflicts', ...displayFlags(params.target, 'kubectl')]));
  await run('kubectl', apply, toolOptions(params.target, { input: bundle }));
  const restart = ['rollout', 'restart', 'deployment', '-n', strimzi.namespace, 'strimzi-cluster-operator', ...flags];
  s.command(shellLine(['kubectl', ...restart.slice(0, -2), ...displayFlags(params.target, 'kubectl')]));
  await run('kubectl', restart, toolOptions(params.target));
  const after = await problems();
  if (after.length) throw new AppError('TOOL_FAILED', `The Strimzi CRDs still do not serve v1: ${after.join('; ')}`, { hint: `Apply them by hand: kubectl apply -f ${url} --server-side --force-conflicts` });
  await waitObjects(env, s, params.target, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'strimzi-cluster-operator', namespace: strimzi.namespace }], strimzi.namespace, params.timeout);
}

async function installRelease(env: StepEnv, params: UpParams, release: PlanRelease, s: StepContext): Promise<void> {
  const { target, tenant, timeout } = params;
  const namespace = namespaceOf(tenant);
  const name = fill(release.release, tenant);
  const chartDir = chartPath(env.chartsDir, release.chart);
  if (!existsSync(chartDir)) throw new AppError('NOT_FOUND', `Chart ${chartDir} does not exist`, { hint: 'Set LOGCLAW_CHARTS_DIR to the charts folder, or reinstall the app.' });
  assertChartReady(chartDir);
  const { secrets } = await env.secrets.ensure(tenant);
  const redact = secretValues(secrets);
  const run = runner(env, s, redact);
  const files = release.values.local.map((file) => chartPath(env.chartsDir, file));
  const app = await writeValues(releaseValuesPath(env.ctx.dataDir, tenant, release.name, 'app'), deepMerge({ global: { tenantId: tenant, storageClass: params.storageClass } }, secretValuesFor(release.name, secrets)));
  const user = valuesForChart(await userValues(params), release.values.tenantSection);
  const userFile = Object.keys(user).length ? await writeValues(releaseValuesPath(env.ctx.dataDir, tenant, release.name, 'user'), user) : undefined;
  await repairPending(run, target, name, namespace, { line: (text) => s.line(text), onLine: undefined });
  const args = ['upgrade', '--install', name, chartDir, '--namespace', namespace, ...files.flatMap((file) => ['-f', file]), '-f', app, ...(userFile ? ['-f', userFile] : []), '--timeout', timeout];
  const command = shellLine(['helm', ...args, ...displayFlags(target, 'helm')]);
  s.command(command);
  s.message(`helm upgrade --install ${name}`);
  try {
    await run('helm', [...args, ...helmContext(target)], toolOptions(target));
  } catch (error) {
    throw helmFailure(error, command, name);
  }
  const objects = await helmManifest(run, target, name, namespace, { onLine: undefined });
  await waitObjects(env, s, target, objects, namespace, timeout);
}

// ---------------------------------------------------------------------------------------------
// Uninstall

export function downSteps(env: StepEnv, params: DownParams): StepSpec[] {
  const { target, tenant, timeout } = params;
  const namespace = namespaceOf(tenant);
  const kubectlFlags = displayFlags(target, 'kubectl');
  if (params.deleteCluster) {
    if (target.mode !== 'kind') throw new AppError('INVALID_REQUEST', `${target.context} is not a kind cluster the app created`);
    const cluster = target.cluster;
    return [
      {
        id: 'cluster-delete',
        title: `Delete kind cluster ${cluster}`,
        kind: 'cleanup',
        dependsOn: [],
        skippable: false,
        commands: [shellLine(['kind', 'delete', 'cluster', '--name', cluster, '--kubeconfig', managedKubeconfig(env.ctx.dataDir)])],
        async run(s) {
          const run = runner(env, s);
          const managed = managedKubeconfig(env.ctx.dataDir);
          await run('kind', ['delete', 'cluster', '--name', cluster, '--kubeconfig', managed], { env: await kindProviderEnv(env) });
          await forgetCluster(managed, cluster);
          const settings = env.ctx.settings.current;
          if (settings.kubeconfig === managed && settings.context === `kind-${cluster}`) {
            const next = await env.ctx.settings.update({ kubeconfig: null, context: null });
            env.ctx.bus.emit('settings:changed', next);
            s.line('Settings no longer point at the deleted cluster');
          }
          s.message(`cluster ${cluster} deleted`);
        },
      },
    ];
  }
  const planReleases = env.plan.tenant.releases;
  const installed = new Set(params.installed.map((entry) => entry.name));
  const steps: StepSpec[] = params.installed.map(({ name, release }) => {
    // A release goes after everything that depends on it (the install order, reversed).
    const dependents = planReleases.filter((other) => other.dependsOn.includes(name) && installed.has(other.name)).map((other) => `uninstall:${other.name}`);
    const args = ['uninstall', release, '--namespace', namespace, '--wait', '--timeout', timeout];
    return {
      id: `uninstall:${name}`,
      title: `Uninstall ${release}`,
      kind: 'uninstall' as const,
      dependsOn: dependents,
      skippable: false,
      commands: [shellLine(['helm', ...args, ...displayFlags(target, 'helm')])],
      async run(s: StepContext) {
        const run = runner(env, s);
        const present = await helmRelease(run, target, release, namespace, { onLine: undefined });
        if (!present) {
          s.line(`${release} is not installed`);
          return;
        }
        s.message(`helm uninstall ${release}`);
        await run('helm', [...args, ...helmContext(target)], toolOptions(target));
      },
    };
  });
  steps.push({
    id: 'namespace-delete',
    title: `Delete namespace ${namespace}`,
    kind: 'cleanup',
    dependsOn: steps.map((step) => step.id),
    skippable: false,
    commands: [shellLine(['kubectl', 'delete', 'namespace', namespace, '--wait', `--timeout=${timeout}`, ...kubectlFlags])],
    async run(s) {
      const core = kubeFor(env, target).makeApiClient(CoreV1Api);
      const deadline = Date.now() + parseDuration(timeout);
      await core.deleteNamespace({ name: namespace }).catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      });
      for (;;) {
        const gone = await core.readNamespace({ name: namespace }).then(() => false, (error: { code?: number }) => error.code === 404);
        if (gone) break;
        if (Date.now() > deadline) throw new AppError('TIMEOUT', `Namespace ${namespace} is still terminating`, { hint: `Look for finalizers: kubectl get all -n ${namespace}` });
        s.message(`waiting for ${namespace} to terminate`);
        await sleep(1000, s.signal);
      }
      s.line(`namespace ${namespace} deleted`);
    },
  });
  return steps;
}
