// Checks on the tenant's pods: Airflow webserver OOMKilled, Airflow waiting for migrations, pods
// Pending from topology spread, and any pod crash-looping or failing to pull its image.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import YAML from 'yaml';
import { AppError } from '../../contract/index.js';
import type { Evidence } from '../../contract/doctor.js';
import { parseManifest } from '../stack/helm.js';
import { ZONE, ZONE_LABEL } from '../stack/kind.js';
import { fill } from '../stack/plan.js';
import { parseBytes } from '../stack/quantity.js';
import { type CheckDefinition, ok } from './check.js';
import { type DoctorEnv, ageMs, eventLines, listPods, logLines, orNull, podName } from './env.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Airflow's pods of one component: the upstream chart's labels (tier=airflow, component=…), or the seed's names. */
async function airflowPods(env: DoctorEnv, component: string): Promise<V1Pod[]> {
  const pods = await listPods(env);
  const prefixes = [`logclaw-airflow-${env.tenant}-${component}`, `logclaw-${env.tenant}-${component}`];
  return pods.filter((pod) => (pod.metadata?.labels?.tier === 'airflow' && pod.metadata.labels.component === component) || prefixes.some((prefix) => podName(pod).startsWith(`${prefix}-`)));
}

/** A value of the chart's local profile: values.yaml overlaid with ci/default-values.yaml. */
function profileValue(env: DoctorEnv, chart: string, path: string[]): unknown {
  const read = (file: string) => {
    try {
      return YAML.parse(readFileSync(join(env.chartsDir, chart, file), 'utf8')) as unknown;
    } catch {
      return undefined;
    }
  };
  const at = (doc: unknown) => path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
  return at(read('ci/default-values.yaml')) ?? at(read('values.yaml'));
}

/** The Deployment that owns a pod (pod → ReplicaSet → Deployment). */
async function owningDeployment(env: DoctorEnv, pod: V1Pod): Promise<string | null> {
  const rs = pod.metadata?.ownerReferences?.find((ref) => ref.kind === 'ReplicaSet');
  if (!rs) return null;
  const replicaSet = await orNull(env.apps.readNamespacedReplicaSet({ name: rs.name, namespace: env.namespace }));
  return replicaSet?.metadata?.ownerReferences?.find((ref) => ref.kind === 'Deployment')?.name ?? null;
}

// ---------------------------------------------------------------------------------------------
// 2. Airflow webserver OOMKilled

function oomContainers(pod: V1Pod): string[] {
  return (pod.status?.containerStatuses ?? []).filter((s) => s.state?.terminated?.reason === 'OOMKilled' || s.lastState?.terminated?.reason === 'OOMKilled').map((s) => s.name);
}

interface OomData {
  deployment: string | null;
  container: string;
  limit: string;
}

export const airflowWebserverOom: CheckDefinition = {
  id: 'airflow-webserver-oom',
  title: 'Airflow webserver has enough memory',
  explanation:
    'The Airflow webserver (gunicorn workers) needs at least 1Gi; the local profile sets its memory limit to 2Gi. Installed with other values, the kernel kills it (OOMKilled) and it restarts in a loop. The fix raises the limit of its Deployment to the local profile\'s value.',
  cluster: true,
  settleMs: 60_000,
  async detect(env) {
    const pods = await airflowPods(env, 'webserver');
    if (pods.length === 0) return ok('No Airflow webserver pods in this tenant.');
    const profile = String(profileValue(env, 'logclaw-airflow', ['airflow', 'webserver', 'resources', 'limits', 'memory']) ?? '2Gi');
    const killed = pods.filter((pod) => oomContainers(pod).length > 0);
    if (killed.length === 0) return ok(`${pods.length} webserver pod(s), none OOMKilled.`);
    const pod = killed[0]!;
    const container = oomContainers(pod)[0]!;
    const spec = pod.spec?.containers.find((c) => c.name === container);
    const limit = spec?.resources?.limits?.memory ?? 'none';
    const status = pod.status?.containerStatuses?.find((s) => s.name === container);
    const evidence: Evidence[] = [
      { source: `pod/${podName(pod)}`, lines: [`container ${container}: OOMKilled (exit ${status?.lastState?.terminated?.exitCode ?? status?.state?.terminated?.exitCode ?? 137}), ${status?.restartCount ?? 0} restarts, memory limit ${limit}`] },
    ];
    const events = await eventLines(env, podName(pod), 'Pod');
    if (events.length) evidence.push({ source: `pod/${podName(pod)} events`, lines: events });
    const deployment = await owningDeployment(env, pod);
    const raise = parseBytes(limit) < parseBytes(profile);
    const data: OomData = { deployment, container, limit: profile };
    return {
      status: 'fail',
      summary: `${podName(pod)} was OOMKilled with a memory limit of ${limit}${raise ? ` (the local profile gives ${profile})` : ''}.`,
      evidence,
      data,
      fix:
        raise && deployment
          ? {
              title: `Raise the limit to ${profile}`,
              changes: `Sets the memory limit of container ${container} in deployment/${deployment} (${env.namespace}) to ${profile} (from ${limit}); the Deployment rolls out a new pod. A later helm upgrade with other values brings the old limit back: install with the local profile.`,
              commands: [env.cmd('kubectl', ['-n', env.namespace, 'set', 'resources', `deployment/${deployment}`, '-c', container, `--limits=memory=${profile}`]), env.cmd('helm', ['get', 'values', `logclaw-airflow-${env.tenant}`, '-n', env.namespace])],
              automatic: true,
            }
          : {
              title: 'Give it more memory',
              changes: `The limit (${limit}) is already at least the local profile's ${profile}${deployment ? '' : ' or the pod has no Deployment'}: give Docker more memory, or raise airflow.webserver.resources.limits.memory in your values.`,
              commands: [env.cmd('helm', ['get', 'values', `logclaw-airflow-${env.tenant}`, '-n', env.namespace])],
              automatic: false,
            },
    };
  },
  async fix(env, detection, line) {
    const data = detection.data as OomData;
    if (!data.deployment) throw new AppError('NOT_FOUND', 'The webserver pod has no Deployment to change');
    await env.run('kubectl', ['-n', env.namespace, 'set', 'resources', `deployment/${data.deployment}`, '-c', data.container, `--limits=memory=${data.limit}`]);
    line(`deployment/${data.deployment}: container ${data.container} memory limit ${data.limit}`);
  },
};

// ---------------------------------------------------------------------------------------------
// 3. Airflow waiting for database migrations

const WAIT_MS = 120_000;

function waitingForMigrations(pod: V1Pod): { container: string; since: number; state: string } | null {
  for (const status of pod.status?.initContainerStatuses ?? []) {
    if (!/migration/.test(status.name)) continue;
    if (status.state?.terminated?.exitCode === 0) continue;
    const since = ageMs(status.state?.running?.startedAt ?? pod.status?.startTime);
    const state = status.state?.running ? 'running' : status.state?.waiting ? `waiting (${status.state.waiting.reason ?? ''})` : 'not started';
    if (since >= WAIT_MS) return { container: status.name, since, state };
  }
  return null;
}

function isMigrationJob(job: V1Job): boolean {
  return job.metadata?.labels?.['app.kubernetes.io/component'] === 'migrate' || /-migrate-[0-9a-f]+$/.test(job.metadata?.name ?? '');
}

function jobState(job: V1Job | undefined): string {
  if (!job) return 'absent';
  const conditions = job.status?.conditions ?? [];
  if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return 'complete';
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) return `failed (${failed.reason ?? ''}${failed.message ? `: ${failed.message}` : ''})`;
  if (job.spec?.suspend) return 'suspended (never ran)';
  return `${job.status?.active ?? 0} running, ${job.status?.failed ?? 0} failed attempts`;
}

/** A fresh Job object from an existing one or a rendered manifest (no status, no generated selector). */
function freshJob(job: V1Job): V1Job {
  const labels = { ...job.metadata?.labels };
  for (const key of Object.keys(labels)) if (/controller-uid|job-name/.test(key)) delete labels[key];
  const template = structuredClone(job.spec!.template);
  for (const key of Object.keys(template.metadata?.labels ?? {})) if (/controller-uid|job-name/.test(key)) delete template.metadata!.labels![key];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: job.metadata?.name, labels, annotations: job.metadata?.annotations },
    spec: { ...job.spec, selector: undefined, manualSelector: undefined, suspend: false, template },
  };
}

export const airflowMigrations: CheckDefinition = {
  id: 'airflow-migrations',
  title: 'Airflow database migrations ran',
  explanation:
    'The Airflow scheduler and webserver wait in an init container (Init:0/1) until the metadata database schema is migrated. The migration Job (logclaw-airflow-<tenant>-migrate-<hash>) does that once per image and database; when it never ran (installed with --no-hooks, a timed-out install) or failed, they wait forever. The fix runs the migration Job again and restarts the waiting pods.',
  cluster: true,
  settleMs: 120_000,
  async detect(env) {
    const pods = [...(await airflowPods(env, 'scheduler')), ...(await airflowPods(env, 'webserver'))];
    if (pods.length === 0) return ok('No Airflow scheduler/webserver pods in this tenant.');
    const stuck = pods.map((pod) => ({ pod, wait: waitingForMigrations(pod) })).filter((entry) => entry.wait);
    if (stuck.length === 0) return ok(`${pods.length} Airflow pod(s), none waiting for migrations.`);
    const jobs = (await env.batch.listNamespacedJob({ namespace: env.namespace })).items.filter(isMigrationJob);
    const job = jobs.find((j) => !(j.status?.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True')) ?? jobs[0];
    const evidence: Evidence[] = stuck.map(({ pod, wait }) => ({ source: `pod/${podName(pod)}`, lines: [`init container ${wait!.container}: ${wait!.state} for ${Math.round(wait!.since / 60_000)} min`] }));
    evidence.push({ source: job ? `job/${job.metadata?.name}` : 'migration job', lines: [`state: ${jobState(job)}`, ...(job ? await eventLines(env, job.metadata!.name!, 'Job', 5) : [])] });
    const release = fill(env.plan.tenant.releases.find((r) => r.name === 'airflow')?.release ?? 'logclaw-airflow-{tenantId}', env.tenant);
    const name = job?.metadata?.name ?? `logclaw-airflow-${env.tenant}-migrate-…`;
    return {
      status: 'fail',
      summary: `${stuck.map(({ pod }) => podName(pod)).join(', ')} wait for database migrations; the migration Job is ${jobState(job)}.`,
      evidence,
      data: { job: job?.metadata?.name ?? null, release, pods: stuck.map(({ pod }) => podName(pod)) },
      fix: {
        title: 'Run the migrations',
        changes: `Deletes and re-creates job/${name} (airflow db migrate) in ${env.namespace}${job ? '' : ` from release ${release}'s manifest`}, waits for it to complete, then deletes the waiting pods (${stuck.map(({ pod }) => podName(pod)).join(', ')}) so they start again.`,
        commands: [
          ...(job ? [env.cmd('kubectl', ['-n', env.namespace, 'delete', 'job', name, '--ignore-not-found'])] : []),
          `${env.cmd('helm', ['get', 'manifest', release, '-n', env.namespace])} | ${env.cmd('kubectl', ['-n', env.namespace, 'apply', '-l', 'app.kubernetes.io/component=migrate', '-f', '-'])}`,
          env.cmd('kubectl', ['-n', env.namespace, 'wait', '--for=condition=complete', `job/${name}`, '--timeout=10m']),
          env.cmd('kubectl', ['-n', env.namespace, 'delete', 'pods', '-l', 'tier=airflow,component in (scheduler,webserver)']),
        ],
        automatic: true,
      },
    };
  },
  async fix(env, detection, line) {
    const data = detection.data as { job: string | null; release: string; pods: string[] };
    let template: V1Job | null = null;
    if (data.job) {
      const existing = await orNull(env.batch.readNamespacedJob({ name: data.job, namespace: env.namespace }));
      if (existing) template = freshJob(existing);
    }
    if (!template) {
      const { stdout } = await env.run('helm', ['get', 'manifest', data.release, '-n', env.namespace]);
      const names = parseManifest(stdout).filter((o) => o.kind === 'Job' && /-migrate-/.test(o.name));
      const doc = YAML.parseAllDocuments(stdout).map((d) => d.toJS() as V1Job).find((d) => d?.kind === 'Job' && names.some((n) => n.name === d.metadata?.name));
      if (!doc) throw new AppError('NOT_FOUND', `Release ${data.release} has no migration Job`, { hint: 'Run `airflow db migrate` as in the LogClaw README, step 4.' });
      template = freshJob(doc);
    }
    const name = template.metadata!.name!;
    await env.batch.deleteNamespacedJob({ name, namespace: env.namespace, propagationPolicy: 'Background' }).catch((error: { code?: number }) => {
      if (error.code !== 404) throw error;
    });
    for (let i = 0; i < 50 && (await orNull(env.batch.readNamespacedJob({ name, namespace: env.namespace }))); i++) await sleep(200);
    await env.batch.createNamespacedJob({ namespace: env.namespace, body: template });
    line(`re-created job/${name} (airflow db migrate)`);
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      const job = await env.batch.readNamespacedJob({ name, namespace: env.namespace });
      const state = jobState(job);
      if (state === 'complete') break;
      if (state.startsWith('failed')) throw new AppError('TOOL_FAILED', `The migration Job ${state}`, { hint: `Read its logs: kubectl -n ${env.namespace} logs job/${name}` });
      if (Date.now() > deadline) throw new AppError('TIMEOUT', `job/${name} did not complete within 10 minutes (${state})`);
      await sleep(500);
    }
    line(`job/${name} completed`);
    for (const pod of data.pods) {
      await env.core.deleteNamespacedPod({ name: pod, namespace: env.namespace }).catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      });
      line(`deleted pod/${pod} (it starts again with the migrated database)`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// 5. Pods Pending from topology spread

const TOPOLOGY = /topology spread|pod topology|missing required label/i;

export const topologyZone: CheckDefinition = {
  id: 'topology-zone',
  title: 'Nodes carry the topology zone label',
  explanation:
    `Every LogClaw chart spreads its pods over zones (topologySpreadConstraints on ${ZONE_LABEL}). A node without that label cannot satisfy a DoNotSchedule constraint, so the pods stay Pending. kind nodes have no zone unless one is set; \`make kind-create\` and the app label the control-plane node. The fix labels the nodes that lack it.`,
  cluster: true,
  settleMs: 30_000,
  async detect(env) {
    const pending = (await listPods(env)).filter((pod) => pod.status?.phase === 'Pending' && !pod.spec?.nodeName);
    const nodes = (await env.core.listNode()).items;
    const unlabelled = nodes.filter((node) => !node.metadata?.labels?.[ZONE_LABEL]).map((node) => node.metadata!.name!);
    const blocked: Array<{ pod: V1Pod; lines: string[] }> = [];
    for (const pod of pending) {
      const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
      const events = (await eventLines(env, podName(pod), 'Pod')).filter((line) => /FailedScheduling/.test(line));
      const lines = [...(condition?.message ? [`PodScheduled=False: ${condition.message}`] : []), ...events.slice(-2)];
      if (lines.some((line) => TOPOLOGY.test(line))) blocked.push({ pod, lines });
    }
    const nodeLine = `${nodes.length} node(s); without ${ZONE_LABEL}: ${unlabelled.length ? unlabelled.join(', ') : 'none'}`;
    if (blocked.length === 0) return ok(`No pod Pending on topology spread (${nodeLine}).`);
    const evidence: Evidence[] = [{ source: 'nodes', lines: [nodeLine] }, ...blocked.slice(0, 5).map(({ pod, lines }) => ({ source: `pod/${podName(pod)}`, lines }))];
    const summary = `${blocked.length} pod(s) Pending on topology spread (${blocked.slice(0, 3).map(({ pod }) => podName(pod)).join(', ')})`;
    if (unlabelled.length === 0) {
      return {
        status: 'fail',
        summary: `${summary}, yet every node has a zone: the tier asks for more zones than the cluster has.`,
        evidence,
        fix: { title: 'Use fewer zones', changes: 'Install with global.tier=standard (ScheduleAnyway) on a one-zone cluster, or add nodes in other zones.', commands: [env.cmd('kubectl', ['get', 'nodes', '-L', ZONE_LABEL])], automatic: false },
      };
    }
    return {
      status: 'fail',
      summary: `${summary}: node(s) ${unlabelled.join(', ')} have no ${ZONE_LABEL} label.`,
      evidence,
      data: unlabelled,
      fix: {
        title: 'Label the node zone',
        changes: `Labels node(s) ${unlabelled.join(', ')} with ${ZONE_LABEL}=${ZONE}; the scheduler then places the Pending pods.`,
        commands: unlabelled.map((node) => env.cmd('kubectl', ['label', 'node', node, `${ZONE_LABEL}=${ZONE}`, '--overwrite'])),
        automatic: true,
      },
    };
  },
  async fix(env, detection, line) {
    for (const node of detection.data as string[]) {
      await env.run('kubectl', ['label', 'node', node, `${ZONE_LABEL}=${ZONE}`, '--overwrite']);
      line(`labelled node ${node} ${ZONE_LABEL}=${ZONE}`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// 12. CrashLoopBackOff / ImagePullBackOff

const BAD_WAITING = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export const podFailures: CheckDefinition = {
  id: 'pod-failures',
  title: 'No pod crash-loops or fails to pull its image',
  explanation:
    'A container in CrashLoopBackOff starts and exits again and again: its last log lines (of the previous run) say why. ImagePullBackOff means the node cannot pull the image: a wrong name or tag, a private registry without credentials, or no network. The events of the pod name the cause.',
  cluster: true,
  async detect(env) {
    const pods = await listPods(env);
    const failing = pods.flatMap((pod) =>
      [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
        .filter((status) => BAD_WAITING.has(status.state?.waiting?.reason ?? ''))
        .map((status) => ({ pod, status })),
    );
    if (failing.length === 0) return ok(`${pods.length} pod(s), none in CrashLoopBackOff or ImagePullBackOff.`);
    const evidence: Evidence[] = [];
    for (const { pod, status } of failing.slice(0, 6)) {
      const waiting = status.state!.waiting!;
      const last = status.lastState?.terminated;
      evidence.push({
        source: `pod/${podName(pod)} ${status.name}`,
        lines: [`${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`, ...(last ? [`last exit ${last.exitCode} (${last.reason ?? 'Error'}), ${status.restartCount} restarts`] : [])],
      });
      const events = await eventLines(env, podName(pod), 'Pod');
      if (events.length) evidence.push({ source: `pod/${podName(pod)} events`, lines: events });
      if (waiting.reason === 'CrashLoopBackOff') {
        const logs = await logLines(env, pod, status.name, 20);
        evidence.push({ source: `pod/${podName(pod)} logs (${status.name}, previous run)`, lines: logs.length ? logs : ['(no logs available)'] });
      }
    }
    const first = failing[0]!;
    return {
      status: 'fail',
      summary: failing.map(({ pod, status }) => `${podName(pod)}/${status.name}: ${status.state?.waiting?.reason}`).join('; ') + '.',
      evidence,
      fix: {
        title: 'Investigate',
        changes: 'No automatic fix: the cause is in the logs or events above (a configuration error, a missing Secret, an image name). After fixing it, the pod restarts by itself.',
        commands: [env.cmd('kubectl', ['-n', env.namespace, 'logs', podName(first.pod), '-c', first.status.name, '--previous']), env.cmd('kubectl', ['-n', env.namespace, 'describe', 'pod', podName(first.pod)])],
        automatic: false,
      },
    };
  },
};
