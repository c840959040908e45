// The steps before anything is installed: preflight, the cluster (a kind cluster created or reused,
// or an existing one checked), the tenant's namespace, and its dev secrets.
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig, StorageV1Api, VersionApi } from '@kubernetes/client-node';
import { AppError } from '#contract/index.js';
import type { PreflightReport } from '#contract/stack.js';
import type { StepContext } from '../../jobs/job-runner.js';
import { writeFileAtomic } from '../../fs-atomic.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { mergeKubeconfig, renderKindConfig } from '../kind.js';
import { labelZone, nodesWithoutZone } from '../ops/nodes.js';
import { equivalent, runs } from '../ops/shown.js';
import { parseDuration } from '../readiness.js';
import { tenantNamespace } from '../services.js';
import { blockingChecks } from '../preflight.js';
import { managedKubeconfig, targetCommand } from '../target.js';
import { type StepBody, type StepEnv, type UpParams, kindEnv, kubeFor, sleep, stepTools } from './step.js';

export function preflightStep(env: StepEnv, params: UpParams): StepBody {
  const { target } = params;
  const versions = [equivalent({ tool: 'helm', args: ['version'] }), equivalent({ tool: 'kubectl', args: ['version', '--client'] })];
  return {
    id: 'preflight',
    title: 'Preflight checks',
    kind: 'preflight',
    shown:
      target.mode === 'kind'
        ? [
            equivalent({ tool: 'docker', args: ['info', '--format', '{{.NCPU}} CPUs, {{.MemTotal}} bytes'] }),
            equivalent({ tool: 'sysctl', args: ['vm.max_map_count', 'fs.inotify.max_user_watches', 'fs.inotify.max_user_instances'] }),
            equivalent({ tool: 'kind', args: ['version'] }),
            ...versions,
          ]
        : [
            ...versions,
            equivalent(
              targetCommand(target, 'kubectl', [
                'get',
                'nodes',
                '-o',
                'custom-columns=NAME:.metadata.name,CPU:.status.allocatable.cpu,MEMORY:.status.allocatable.memory',
              ]),
            ),
          ],
    async run(s) {
      const ignore = params.ignorePreflight;
      // The machine's checks and the charts this install uses (its releases, its data folder).
      const result = await env.preflight(params, ignore);
      for (const line of result.lines) s.line(line);
      const report = result.report as PreflightReport;
      const failed = blockingChecks(report.checks, ignore);
      if (failed.length) {
        throw new AppError('PREFLIGHT_FAILED', `${failed.map((check) => check.title).join(', ')} failed; nothing was created`, {
          hint: `Fix them (each check says how), then retry; or accept them: --ignore-preflight ${failed.map((check) => check.id).join(',')} (Skip in the app).`,
          detail: { preflight: report },
        });
      }
      s.message('all checks passed or accepted');
    },
  };
}

export function clusterStep(env: StepEnv, params: UpParams): StepBody {
  const { target } = params;
  if (target.mode === 'kind') {
    const config = join(env.ctx.dataDir, 'stack', `kind-${target.cluster}.yaml`);
    const create: ToolCall = {
      tool: 'kind',
      args: [
        'create',
        'cluster',
        '--name',
        target.cluster,
        '--config',
        config,
        '--kubeconfig',
        managedKubeconfig(env.ctx.dataDir),
        '--wait',
        '120s',
      ],
      ...kindEnv(params),
    };
    return {
      id: 'cluster',
      title: `kind cluster ${target.cluster}`,
      kind: 'cluster',
      shown: [runs(create)],
      run: (s) => kindCluster(env, params, target.cluster, config, create, s),
    };
  }
  return {
    id: 'cluster',
    title: `Cluster ${target.context}`,
    kind: 'cluster',
    shown: [
      equivalent(targetCommand(target, 'kubectl', ['cluster-info'])),
      equivalent(targetCommand(target, 'kubectl', ['get', 'storageclass', params.storageClass])),
    ],
    run: (s) => existingCluster(env, params, s),
  };
}

async function kindCluster(env: StepEnv, params: UpParams, name: string, config: string, create: ToolCall, s: StepContext): Promise<void> {
  const { ctx } = env;
  const { read, exec } = stepTools(env, s);
  const managed = managedKubeconfig(ctx.dataDir);
  const { env: provider } = kindEnv(params);
  const { stdout } = await read('kind', ['get', 'clusters'], { env: provider });
  if (
    stdout
      .split('\n')
      .map((line) => line.trim())
      .includes(name)
  ) {
    s.line(`kind cluster "${name}" already exists: reusing it`);
    s.message('reusing the existing cluster');
    // Not streamed: a kubeconfig holds credentials.
    const exported = await read('kind', ['get', 'kubeconfig', '--name', name], { env: provider });
    await mergeKubeconfig(managed, exported.stdout);
  } else {
    await writeFileAtomic(config, renderKindConfig(name));
    s.message(`kind create cluster --name ${name}`);
    await exec(create);
  }
  const kc = kubeFor(env, params.target);
  const version = await waitApi(kc, s, 60_000);
  s.line(`Kubernetes ${version} answers at ${kc.getCurrentCluster()?.server ?? '?'}`);
  // The kind config labels the node; one created without it (an older cluster) is labelled here.
  for (const node of await nodesWithoutZone(kc.makeApiClient(CoreV1Api))) await exec(labelZone(params.target, node));
  // From now on the app (forwards, Kafka, Search, `logclaw status`) talks to this cluster.
  const settings = ctx.settings.current;
  if (settings.kubeconfig !== managed || settings.context !== params.target.context) {
    const next = await ctx.settings.update({ kubeconfig: managed, context: params.target.context });
    ctx.bus.emit('settings:changed', next);
    s.line(`Settings now use ${managed} (context ${params.target.context})`);
  }
  s.message(`Kubernetes ${version}`);
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
  if (!storage)
    s.line(
      `warning: StorageClass "${params.storageClass}" does not exist: volumes (OpenSearch, PostgreSQL) will stay Pending unless you pass --storage-class`,
      'stderr',
    );
  s.message(`Kubernetes ${version}`);
}

async function waitApi(kc: KubeConfig, s: StepContext, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const version = await kc.makeApiClient(VersionApi).getCode();
      return version.gitVersion;
    } catch (error) {
      if (Date.now() > deadline)
        throw new AppError('KUBE_UNREACHABLE', `The cluster's API server does not answer: ${(error as Error).message}`, {
          hint: 'Is the cluster running? `kubectl cluster-info` shows what kubectl sees.',
        });
      await sleep(1000, s.signal);
    }
  }
}

export function namespaceStep(env: StepEnv, params: UpParams): StepBody {
  const { target, tenant } = params;
  const namespace = tenantNamespace(tenant);
  return {
    id: 'namespace',
    title: `Namespace ${namespace}`,
    kind: 'namespace',
    shown: [
      equivalent(targetCommand(target, 'kubectl', ['create', 'namespace', namespace])),
      equivalent(
        targetCommand(target, 'kubectl', [
          'label',
          'namespace',
          namespace,
          'app.kubernetes.io/part-of=logclaw',
          `logclaw.io/tenant=${tenant}`,
          '--overwrite',
        ]),
      ),
    ],
    run: (s) => ensureNamespace(kubeFor(env, target), namespace, tenant, s, parseDuration(params.timeout)),
  };
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
    if (Date.now() > deadline)
      throw new AppError('TIMEOUT', `Namespace ${namespace} is still terminating`, {
        hint: 'An earlier uninstall has not finished; look for finalizers on its objects.',
      });
    s.message(`waiting for the old ${namespace} to finish terminating`);
    await sleep(1000, s.signal);
  }
}

/** Dev secrets are generated into the app's data folder (no cluster command stands for that). */
export function secretsStep(env: StepEnv, params: UpParams): StepBody {
  return {
    id: 'secrets',
    title: 'Dev secrets',
    kind: 'secrets',
    shown: [],
    async run(s) {
      const { created } = await env.secrets.ensure(params.tenant);
      s.line(
        created
          ? `generated dev secrets for ${params.tenant} (kept in the app's data folder, mode 0600)`
          : `reusing the dev secrets of ${params.tenant}`,
      );
      s.message('OpenSearch, Airflow, Redis and Kafka credentials ready (Stack → Dev secrets)');
    },
  };
}
