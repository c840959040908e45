// 2. Airflow webserver OOMKilled: its memory limit raised to the local profile's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import YAML from 'yaml';
import type { Evidence } from '#contract/doctor.js';
import { AppError } from '#contract/index.js';
import { runs } from '../../stack/ops/shown.js';
import { parseBytes } from '../../stack/quantity.js';
import type { ToolCall } from '../../tools/tools-service.js';
import { type CheckDefinition, ok } from '../check.js';
import { type DoctorEnv, eventLines, orNull, podName } from '../env.js';
import { airflowPods } from './airflow.js';

/** A value of the chart's local profile: values.yaml overlaid with ci/default-values.yaml. */
function profileValue(env: DoctorEnv, chart: string, path: string[]): unknown {
  const read = (file: string) => {
    try {
      return YAML.parse(readFileSync(join(env.chartsDir, chart, file), 'utf8')) as unknown;
    } catch {
      return undefined;
    }
  };
  const at = (doc: unknown) =>
    path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
  return at(read('ci/default-values.yaml')) ?? at(read('values.yaml'));
}

/** The Deployment that owns a pod (pod → ReplicaSet → Deployment). */
async function owningDeployment(env: DoctorEnv, pod: V1Pod): Promise<string | null> {
  const rs = pod.metadata?.ownerReferences?.find((ref) => ref.kind === 'ReplicaSet');
  if (!rs) return null;
  const replicaSet = await orNull(env.apps.readNamespacedReplicaSet({ name: rs.name, namespace: env.namespace }));
  return replicaSet?.metadata?.ownerReferences?.find((ref) => ref.kind === 'Deployment')?.name ?? null;
}

function oomContainers(pod: V1Pod): string[] {
  return (pod.status?.containerStatuses ?? [])
    .filter((s) => s.state?.terminated?.reason === 'OOMKilled' || s.lastState?.terminated?.reason === 'OOMKilled')
    .map((s) => s.name);
}

interface OomData {
  deployment: string | null;
  container: string;
  limit: string;
}

function setLimit(env: DoctorEnv, data: OomData): ToolCall {
  return env.command('kubectl', [
    '-n',
    env.namespace,
    'set',
    'resources',
    `deployment/${data.deployment}`,
    '-c',
    data.container,
    `--limits=memory=${data.limit}`,
  ]);
}

export const airflowWebserverOom: CheckDefinition = {
  id: 'airflow-webserver-oom',
  title: 'Airflow webserver has enough memory',
  explanation:
    "The Airflow webserver (gunicorn workers) needs at least 1Gi; the local profile sets its memory limit to 2Gi. Installed with other values, the kernel kills it (OOMKilled) and it restarts in a loop. The fix raises the limit of its Deployment to the local profile's value.",
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
      {
        source: `pod/${podName(pod)}`,
        lines: [
          `container ${container}: OOMKilled (exit ${status?.lastState?.terminated?.exitCode ?? status?.state?.terminated?.exitCode ?? 137}), ${status?.restartCount ?? 0} restarts, memory limit ${limit}`,
        ],
      },
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
              shown: [runs(setLimit(env, data))],
              automatic: true,
            }
          : {
              title: 'Give it more memory',
              changes: `The limit (${limit}) is already at least the local profile's ${profile}${deployment ? '' : ' or the pod has no Deployment'}: give Docker more memory, or raise airflow.webserver.resources.limits.memory in your values.`,
              commands: [env.commandLine('helm', ['get', 'values', `logclaw-airflow-${env.tenant}`, '-n', env.namespace])],
              automatic: false,
            },
    };
  },
  async fix(env, detection, line) {
    const data = detection.data as OomData;
    if (!data.deployment) throw new AppError('NOT_FOUND', 'The webserver pod has no Deployment to change');
    await env.exec(setLimit(env, data));
    line(`deployment/${data.deployment}: container ${data.container} memory limit ${data.limit}`);
  },
};
