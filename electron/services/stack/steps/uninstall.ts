// The uninstall job: the tenant's releases in the reverse of their install order, then its
// namespace; or, instead, the deletion of the app's kind cluster.
import { CoreV1Api } from '@kubernetes/client-node';
import { AppError } from '#contract/index.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { helmRelease } from '../helm.js';
import { forgetCluster } from '../kind.js';
import { helmUninstall } from '../ops/releases.js';
import { equivalent, runs } from '../ops/shown.js';
import { parseDuration } from '../readiness.js';
import { tenantNamespace } from '../services.js';
import { managedKubeconfig, targetCommand } from '../target.js';
import { type DownParams, type StepEnv, type StepSpec, kindEnv, kubeFor, sleep, stepTools } from './step.js';

export function downSteps(env: StepEnv, params: DownParams): StepSpec[] {
  if (params.deleteCluster) return [deleteClusterStep(env, params)];
  const { target, tenant, timeout } = params;
  const namespace = tenantNamespace(tenant);
  const planReleases = env.plan.tenant.releases;
  const installed = new Set(params.installed.map((entry) => entry.name));
  const steps: StepSpec[] = params.installed.map(({ name, release }) => {
    // A release goes after everything that depends on it (the install order, reversed).
    const dependents = planReleases
      .filter((other) => other.dependsOn.includes(name) && installed.has(other.name))
      .map((other) => `uninstall:${other.name}`);
    const uninstall = helmUninstall(target, release, namespace, timeout);
    return {
      id: `uninstall:${name}`,
      title: `Uninstall ${release}`,
      kind: 'uninstall',
      dependsOn: dependents,
      skippable: false,
      shown: [runs(uninstall)],
      async run(s) {
        const tools = stepTools(env, s);
        if (!(await helmRelease(tools.read, target, release, namespace))) {
          s.line(`${release} is not installed`);
          return;
        }
        s.message(`helm uninstall ${release}`);
        await tools.exec(uninstall);
      },
    };
  });
  steps.push({
    id: 'namespace-delete',
    title: `Delete namespace ${namespace}`,
    kind: 'cleanup',
    dependsOn: steps.map((step) => step.id),
    skippable: false,
    shown: [equivalent(targetCommand(target, 'kubectl', ['delete', 'namespace', namespace, '--wait', `--timeout=${timeout}`]))],
    async run(s) {
      const core = kubeFor(env, target).makeApiClient(CoreV1Api);
      const deadline = Date.now() + parseDuration(timeout);
      await core.deleteNamespace({ name: namespace }).catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      });
      for (;;) {
        const gone = await core.readNamespace({ name: namespace }).then(
          () => false,
          (error: { code?: number }) => error.code === 404,
        );
        if (gone) break;
        if (Date.now() > deadline)
          throw new AppError('TIMEOUT', `Namespace ${namespace} is still terminating`, {
            hint: `Look for finalizers: kubectl get all -n ${namespace}`,
          });
        s.message(`waiting for ${namespace} to terminate`);
        await sleep(1000, s.signal);
      }
      s.line(`namespace ${namespace} deleted`);
    },
  });
  return steps;
}

function deleteClusterStep(env: StepEnv, params: DownParams): StepSpec {
  const { target } = params;
  if (target.mode !== 'kind') throw new AppError('INVALID_REQUEST', `${target.context} is not a kind cluster the app created`);
  const { cluster } = target;
  const managed = managedKubeconfig(env.ctx.dataDir);
  const remove: ToolCall = { tool: 'kind', args: ['delete', 'cluster', '--name', cluster, '--kubeconfig', managed], ...kindEnv(params) };
  return {
    id: 'cluster-delete',
    title: `Delete kind cluster ${cluster}`,
    kind: 'cleanup',
    dependsOn: [],
    skippable: false,
    shown: [runs(remove)],
    async run(s) {
      await stepTools(env, s).exec(remove);
      await forgetCluster(managed, cluster);
      const settings = env.ctx.settings.current;
      if (settings.kubeconfig === managed && settings.context === `kind-${cluster}`) {
        const next = await env.ctx.settings.update({ kubeconfig: null, context: null });
        env.ctx.bus.emit('settings:changed', next);
        s.line('Settings no longer point at the deleted cluster');
      }
      s.message(`cluster ${cluster} deleted`);
    },
  };
}
