// What the cluster says about a tenant's stack: whether it answers, the helm status of the operators
// and releases, and the tenant's pods grouped by component.
import { CoreV1Api, type V1Pod, VersionApi } from '@kubernetes/client-node';
import { toErrorPayload } from '#contract/index.js';
import type { StackStatus } from '#contract/stack.js';
import type { BackendContext } from '../../domain.js';
import { isPodReady, podReasons } from './diagnosis.js';
import { type HelmRelease, helmList, releaseInfo } from './helm.js';
import { type StackPlan, fill } from './plan.js';
import { tenantNamespace } from './services.js';
import { type ResolvedTarget, kubeConfigFor } from './target.js';

type Observed = Pick<StackStatus, 'reachable' | 'operators' | 'releases' | 'components' | 'error'>;

/** Every operator and local release as "not installed": the status before (or without) the cluster's answer. */
export function unobserved(plan: StackPlan, tenant: string): Observed {
  const namespace = tenantNamespace(tenant);
  return {
    reachable: false,
    operators: plan.operators.map((op) => releaseInfo(op.name, op.name, op.namespace, null)),
    releases: plan.tenant.releases
      .filter((release) => release.local)
      .map((release) => releaseInfo(release.name, fill(release.release, tenant), namespace, null)),
    components: [],
  };
}

export async function observeStack(ctx: BackendContext, plan: StackPlan, tenant: string, target: ResolvedTarget): Promise<Observed> {
  const namespace = tenantNamespace(tenant);
  const observed = unobserved(plan, tenant);
  const kc = kubeConfigFor(target, ctx.env);
  try {
    await Promise.race([
      kc.makeApiClient(VersionApi).getCode(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000)),
    ]);
  } catch (error) {
    const hint =
      target.mode === 'kind' ? "Is Docker running? The kind cluster's node is a container." : 'Is the cluster up and the context right?';
    return {
      ...observed,
      error: { code: 'KUBE_UNREACHABLE', message: `${target.context} does not answer: ${(error as Error).message}`, hint },
    };
  }
  let releases: HelmRelease[] = [];
  let error: Observed['error'];
  try {
    releases = await helmList((name, args, options) => ctx.tools.run(name, args, options), target, 'all');
  } catch (failure) {
    error = toErrorPayload(failure);
  }
  const pods = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({ namespace })
    .catch(() => ({ items: [] }));
  return {
    reachable: true,
    operators: plan.operators.map((op) =>
      releaseInfo(
        op.name,
        op.name,
        op.namespace,
        releases.find((r) => r.name === op.name && r.namespace === op.namespace),
      ),
    ),
    releases: plan.tenant.releases
      .map((release) =>
        releaseInfo(
          release.name,
          fill(release.release, tenant),
          namespace,
          releases.find((r) => r.name === fill(release.release, tenant) && r.namespace === namespace),
        ),
      )
      .filter((info) => info.status !== 'not installed' || plan.tenant.releases.find((r) => r.name === info.name)?.local),
    components: components(plan, tenant, pods.items),
    ...(error ? { error } : {}),
  };
}

function components(plan: StackPlan, tenant: string, pods: V1Pod[]): StackStatus['components'] {
  const prefixes = plan.tenant.releases.flatMap((release) => {
    const section = release.values.tenantSection;
    const list = [`${section}-${tenant}`];
    if (section === 'logclaw-opensearch') list.push(`opensearch-${tenant}`);
    if (section === 'logclaw-zammad') list.push('logclaw-zammad');
    return list.map((prefix) => ({ prefix, component: release.name }));
  });
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  const groups = new Map<string, StackStatus['components'][number]['pods']>();
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '?';
    const component = prefixes.find((entry) => name.startsWith(entry.prefix))?.component ?? 'other';
    const statuses = pod.status?.containerStatuses ?? [];
    const ready = isPodReady(pod);
    const list = groups.get(component) ?? [];
    list.push({
      name,
      phase: pod.status?.phase ?? 'Unknown',
      ready: statuses.filter((container) => container.ready).length,
      containers: pod.spec?.containers.length ?? statuses.length,
      restarts: statuses.reduce((sum, container) => sum + container.restartCount, 0),
      ...(ready ? {} : { reason: podReasons(pod)[0] ?? pod.status?.reason ?? pod.status?.phase }),
    });
    groups.set(component, list);
  }
  const order = plan.tenant.releases.map((release) => release.name);
  const rank = (name: string) => (order.indexOf(name) === -1 ? 99 : order.indexOf(name));
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([name, list]) => ({ name, pods: list.sort((a, b) => a.name.localeCompare(b.name)) }));
}
