// The seed's step 5 ("Verify the stack") as a checklist: pods Running, the Kafka CR Ready,
// OpenSearch health, every release deployed. Each item reads the resource's own status.
import type { HealthItem } from '#contract/doctor.js';
import { fill } from '../stack/plan.js';
import { isPodReady, podReasons } from '../stack/diagnosis.js';
import { assess } from '../stack/readiness.js';
import { type HelmRelease, helmList } from '../stack/helm.js';
import { type DoctorEnv, orNull, podName, readKafkas } from './env.js';

export async function healthItems(env: DoctorEnv): Promise<HealthItem[]> {
  const guard = async (
    item: Omit<HealthItem, 'status' | 'summary' | 'details'>,
    run: () => Promise<Pick<HealthItem, 'status' | 'summary' | 'details'>>,
  ): Promise<HealthItem> => {
    try {
      return { ...item, ...(await run()) };
    } catch (error) {
      return { ...item, status: 'warn', summary: `Could not check: ${(error as Error).message}`, details: [] };
    }
  };
  const ns = env.namespace;
  return Promise.all([
    guard({ id: 'pods', title: 'All pods Running', command: env.commandLine('kubectl', ['get', 'pods', '-n', ns]) }, () => pods(env)),
    guard(
      {
        id: 'kafka',
        title: 'Kafka Ready',
        command: env.commandLine('kubectl', [
          '-n',
          ns,
          'get',
          'kafka',
          '-o',
          'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}',
        ]),
      },
      () => kafka(env),
    ),
    guard(
      {
        id: 'opensearch',
        title: 'OpenSearch health',
        command: env.commandLine('kubectl', [
          '-n',
          ns,
          'exec',
          `opensearch-${env.tenant}-0`,
          '--',
          'curl',
          '-s',
          'http://localhost:9200/_cluster/health',
        ]),
      },
      () => opensearch(env),
    ),
    guard({ id: 'releases', title: 'Releases deployed', command: env.commandLine('helm', ['list', '-n', ns]) }, () => releases(env)),
  ]);
}

async function pods(env: DoctorEnv): Promise<Pick<HealthItem, 'status' | 'summary' | 'details'>> {
  const list = (await env.core.listNamespacedPod({ namespace: env.namespace })).items;
  if (list.length === 0) return { status: 'fail', summary: `No pods in ${env.namespace}: the stack is not installed.`, details: [] };
  const running = list.filter(isPodReady);
  const details = list.map((pod) => {
    const ready = (pod.status?.containerStatuses ?? []).filter((s) => s.ready).length;
    const total = pod.spec?.containers.length ?? 0;
    const reason = isPodReady(pod) ? '' : ` – ${podReasons(pod)[0] ?? pod.status?.reason ?? ''}`;
    return `${podName(pod)}  ${ready}/${total}  ${pod.status?.phase ?? 'Unknown'}${reason}`.trimEnd();
  });
  const failing = list.some(
    (pod) =>
      pod.status?.phase === 'Failed' || podReasons(pod).some((r) => /CrashLoopBackOff|ImagePullBackOff|ErrImagePull|OOMKilled/.test(r)),
  );
  const status = running.length === list.length ? 'ok' : failing ? 'fail' : 'warn';
  return { status, summary: `${running.length}/${list.length} pods Running and ready.`, details };
}

async function kafka(env: DoctorEnv): Promise<Pick<HealthItem, 'status' | 'summary' | 'details'>> {
  const kafkas = await readKafkas(env);
  if (kafkas.length === 0) return { status: 'fail', summary: `No Kafka cluster in ${env.namespace}.`, details: [] };
  const verdicts = kafkas.map((k) => ({
    name: k.metadata?.name ?? '?',
    verdict: assess({ ...k, kind: 'Kafka' } as Parameters<typeof assess>[0]),
  }));
  const details = verdicts.map(({ name, verdict }) => `kafka/${name}: ${verdict.message}`);
  const ready = verdicts.every(({ verdict }) => verdict.ready);
  return {
    status: ready ? 'ok' : 'fail',
    summary: ready ? `Kafka ${verdicts.map((v) => v.name).join(', ')} Ready.` : details.join('; '),
    details,
  };
}

async function opensearch(env: DoctorEnv): Promise<Pick<HealthItem, 'status' | 'summary' | 'details'>> {
  const clusters = await orNull(
    () =>
      env.custom.listNamespacedCustomObject({
        group: 'opensearch.opster.io',
        version: 'v1',
        plural: 'opensearchclusters',
        namespace: env.namespace,
      }) as Promise<{ items: Array<{ metadata?: { name?: string }; status?: Record<string, unknown> }> }>,
  );
  if (clusters?.items.length) {
    const verdicts = clusters.items.map((c) => ({
      name: c.metadata?.name ?? '?',
      verdict: assess({ ...c, kind: 'OpenSearchCluster' } as Parameters<typeof assess>[0]),
    }));
    const ready = verdicts.every(({ verdict }) => verdict.ready);
    const details = verdicts.map(({ name, verdict }) => `opensearchcluster/${name}: ${verdict.message}`);
    return { status: ready ? 'ok' : 'fail', summary: details.join('; '), details };
  }
  const health = await clusterHealth(env);
  if (!health)
    return { status: 'warn', summary: 'Not measured: start the OpenSearch forward (Forwards pane) to read its health.', details: [] };
  const status = health.status === 'green' ? 'ok' : health.status === 'yellow' ? 'ok' : 'fail';
  const note = health.status === 'yellow' ? ' (single-node dev mode: replicas cannot be assigned)' : '';
  return {
    status,
    summary: `Cluster ${health.cluster_name}: ${health.status}${note}, ${health.number_of_nodes} node(s).`,
    details: [`via ${health.via}`],
  };
}

interface ClusterHealth {
  cluster_name: string;
  status: string;
  number_of_nodes: number;
  via: string;
}

/** Through the app's forward when it runs, else the API server's service proxy (no side effects). */
async function clusterHealth(env: DoctorEnv): Promise<ClusterHealth | null> {
  const forward = env.ctx.forwards.list().find((f) => f.id === 'opensearch' && f.state === 'ready');
  if (forward) {
    const response = await fetch(`http://127.0.0.1:${forward.spec.localPort}/_cluster/health`, { signal: AbortSignal.timeout(5000) }).catch(
      () => null,
    );
    if (response?.ok) return { ...((await response.json()) as ClusterHealth), via: `forward 127.0.0.1:${forward.spec.localPort}` };
  }
  const text = await Promise.race([
    env.core
      .connectGetNamespacedServiceProxyWithPath({
        name: `logclaw-opensearch-${env.tenant}:9200`,
        namespace: env.namespace,
        path: '_cluster/health',
      })
      .catch(() => null),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000)),
  ]);
  if (!text) return null;
  try {
    return { ...(JSON.parse(String(text)) as ClusterHealth), via: 'API server service proxy' };
  } catch {
    return null;
  }
}

async function releases(env: DoctorEnv): Promise<Pick<HealthItem, 'status' | 'summary' | 'details'>> {
  const found: HelmRelease[] = await helmList(
    (name, args, options) => env.ctx.tools.run(name as 'helm', args, options),
    env.target,
    env.namespace,
    { timeoutMs: 60_000 },
  );
  const umbrella = found.find((r) => r.name === `logclaw-${env.tenant}`);
  // What the tenant's last install chose (its profile and toggles); without one, the full local stack.
  const install = env.ctx.jobs.list().find((job) => job.kind === 'stack-up' && job.params.tenant === env.tenant);
  const chosen = Array.isArray(install?.params.releases) ? (install.params.releases as string[]) : null;
  const expected = umbrella
    ? [umbrella.name]
    : env.plan.tenant.releases.filter((r) => (chosen ? chosen.includes(r.name) : r.local)).map((r) => fill(r.release, env.tenant));
  const names = new Set([...expected, ...found.map((r) => r.name)]);
  const details = [...names].map((name) => `${name}: ${found.find((r) => r.name === name)?.status ?? 'not installed'}`);
  const deployed = [...names].filter((name) => found.find((r) => r.name === name)?.status === 'deployed');
  const status = deployed.length === names.size ? 'ok' : 'fail';
  return { status, summary: `${deployed.length}/${names.size} releases deployed.`, details };
}
