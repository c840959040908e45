// The support bundle: one zip with what a maintainer needs to diagnose a stack without access to
// it — versions, preflight, doctor and health results, releases with history and values, resource
// statuses, events, recent pod logs, forward state history and the last install job — with
// secrets and tokens redacted (see redact.ts).
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { VersionApi } from '@kubernetes/client-node';
import type { BundleResult, DoctorReport, HealthReport } from '#contract/doctor.js';
import { forwardPorts } from '../stack/stack-preflight.js';
import { helmList } from '../stack/helm.js';
import { freeDiskBytes, readProcFile, runPreflight } from '../stack/preflight.js';
import { type DoctorEnv, describeError } from './env.js';
import { Redactor } from './redact.js';
import { type ZipEntry, writeZip } from './zip.js';

const LOG_LINES = 200;
const MAX_PODS = 40;

export interface BundleInputs {
  env: DoctorEnv | null;
  /** Why there is no cluster env (unreachable, no context). */
  envError?: string;
  doctor: DoctorReport;
  health: HealthReport | null;
}

type Json = unknown;

/** Drops managedFields and last-applied annotations: noise, and the latter can hold a whole Secret. */
function slim<T>(object: T): T {
  const copy = structuredClone(object) as { metadata?: { managedFields?: unknown; annotations?: Record<string, string> } };
  if (copy?.metadata) {
    delete copy.metadata.managedFields;
    if (copy.metadata.annotations) delete copy.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  }
  return copy as T;
}

export async function writeBundle(ctx: DoctorEnv['ctx'], inputs: BundleInputs, out: string | undefined): Promise<BundleResult> {
  const redactor = new Redactor();
  const entries: Array<{ name: string; data: Json | string }> = [];
  const add = (name: string, data: Json | string) => entries.push({ name, data });
  const attempt = async (name: string, fn: () => Promise<Json | string>) => {
    try {
      add(name, await fn());
    } catch (error) {
      add(name.replace(/\.(json|log)$/, '.error.txt'), `Could not collect ${name}: ${(error as Error).message}`);
    }
  };
  const { env } = inputs;

  // Every secret value we know of is masked wherever it shows up, first of all.
  if (env) {
    for (const value of env.redact) redactor.add(value);
    const secrets = await env.core.listNamespacedSecret({ namespace: env.namespace }).catch(() => ({ items: [] }));
    for (const secret of secrets.items) {
      for (const value of Object.values(secret.data ?? {})) redactor.add(Buffer.from(value, 'base64').toString('utf8'));
      for (const value of Object.values(secret.stringData ?? {})) redactor.add(value);
    }
  }

  add('versions.json', {
    app: ctx.version,
    transport: ctx.transport,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    tools: await ctx.tools
      .detect()
      .then((reports) =>
        reports.map((r) => ({ name: r.name, found: r.found, version: r.version, required: r.required, path: r.path, source: r.source })),
      )
      .catch((error: Error) => error.message),
    kubernetes: env
      ? await env.kc
          .makeApiClient(VersionApi)
          .getCode()
          .then((v) => v.gitVersion)
          .catch((error: Error) => `unreachable: ${error.message}`)
      : inputs.envError,
  });
  add('settings.json', ctx.settings.current);
  add('doctor.json', inputs.doctor);
  if (inputs.health) add('health.json', inputs.health);

  await attempt('preflight.json', async () => {
    // This machine's and the cluster's checks; the stack's resource requests are measured by the
    // installer's preflight (the install job's log has it).
    return runPreflight({
      platform: process.platform,
      mode: env?.local === false ? 'existing' : 'kind',
      tools: () => ctx.tools.detect(),
      runtime: async () => null,
      requests: () => Promise.reject(new Error('measured by the installer (Stack → Preflight)')),
      readProc: env?.readProc ?? readProcFile,
      freeDisk: freeDiskBytes,
      diskPath: ctx.dataDir,
      ports: () => forwardPorts(ctx),
    });
  });

  add('forwards.json', ctx.forwards.list());
  const stackJobs = ctx.jobs.list().filter((job) => job.kind === 'stack-up' || job.kind === 'stack-down');
  add(
    'jobs/index.json',
    stackJobs.map((job) => ({
      id: job.id,
      kind: job.kind,
      title: job.title,
      state: job.state,
      createdAt: new Date(job.createdAt).toISOString(),
      updatedAt: new Date(job.updatedAt).toISOString(),
    })),
  );
  const install = stackJobs.find((job) => job.kind === 'stack-up');
  if (install) {
    add(`jobs/${install.id}.json`, install);
    await attempt(`jobs/${install.id}.log`, async () =>
      (await ctx.jobs.lines(install.id, 2000))
        .map((line) => `${new Date(line.at).toISOString()} [${line.stepId}] ${line.stream === 'stderr' ? '! ' : ''}${line.text}`)
        .join('\n'),
    );
  }

  if (env) {
    const namespaces = [env.namespace, ...new Set(env.plan.operators.map((op) => op.namespace))];
    await attempt('helm/releases.json', async () => {
      const releases = (
        await helmList((name, args, options) => ctx.tools.run(name as 'helm', args, options), env.target, 'all', { timeoutMs: 60_000 })
      ).filter((r) => namespaces.includes(r.namespace));
      for (const release of releases) {
        await attempt(`helm/${release.namespace}/${release.name}/history.json`, async () =>
          JSON.parse((await env.run('helm', ['history', release.name, '-n', release.namespace, '-o', 'json'])).stdout || '[]'),
        );
        await attempt(`helm/${release.namespace}/${release.name}/values.json`, async () =>
          JSON.parse((await env.run('helm', ['get', 'values', release.name, '-n', release.namespace, '-o', 'json'])).stdout || '{}'),
        );
      }
      return releases;
    });
    const ns = env.namespace;
    const list = async <T>(fn: () => Promise<{ items: T[] }>) => (await fn()).items.map(slim);
    await attempt('resources/nodes.json', async () =>
      (await list(() => env.core.listNode())).map((node) => ({
        metadata: { name: node.metadata?.name, labels: node.metadata?.labels },
        spec: { taints: node.spec?.taints },
        status: { conditions: node.status?.conditions, allocatable: node.status?.allocatable, nodeInfo: node.status?.nodeInfo },
      })),
    );
    await attempt('resources/pods.json', () => list(() => env.core.listNamespacedPod({ namespace: ns })));
    await attempt('resources/deployments.json', () => list(() => env.apps.listNamespacedDeployment({ namespace: ns })));
    await attempt('resources/statefulsets.json', () => list(() => env.apps.listNamespacedStatefulSet({ namespace: ns })));
    await attempt('resources/daemonsets.json', () => list(() => env.apps.listNamespacedDaemonSet({ namespace: ns })));
    await attempt('resources/jobs.json', () => list(() => env.batch.listNamespacedJob({ namespace: ns })));
    await attempt('resources/services.json', () => list(() => env.core.listNamespacedService({ namespace: ns })));
    await attempt('resources/persistentvolumeclaims.json', () =>
      list(() => env.core.listNamespacedPersistentVolumeClaim({ namespace: ns })),
    );
    await attempt('resources/configmaps.json', () => list(() => env.core.listNamespacedConfigMap({ namespace: ns })));
    // Secrets: names, types and key names only.
    await attempt('resources/secrets.json', async () =>
      (await env.core.listNamespacedSecret({ namespace: ns })).items.map((s) => ({
        name: s.metadata?.name,
        type: s.type,
        keys: Object.keys({ ...s.data, ...s.stringData }),
        labels: s.metadata?.labels,
      })),
    );
    for (const [file, group, version, plural] of [
      ['kafkas', 'kafka.strimzi.io', 'v1', 'kafkas'],
      ['kafkanodepools', 'kafka.strimzi.io', 'v1', 'kafkanodepools'],
      ['opensearchclusters', 'opensearch.opster.io', 'v1', 'opensearchclusters'],
      ['externalsecrets', 'external-secrets.io', 'v1beta1', 'externalsecrets'],
      ['secretstores', 'external-secrets.io', 'v1beta1', 'secretstores'],
    ] as const) {
      await attempt(`resources/${file}.json`, () =>
        list(() => env.custom.listNamespacedCustomObject({ group, version, plural, namespace: ns }) as Promise<{ items: object[] }>),
      );
    }
    for (const namespace of namespaces) {
      await attempt(`events/${namespace}.json`, async () =>
        (await env.core.listNamespacedEvent({ namespace })).items.map((e) => ({
          object: `${e.involvedObject?.kind}/${e.involvedObject?.name}`,
          type: e.type,
          reason: e.reason,
          message: e.message,
          count: e.count,
          last: e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp,
        })),
      );
    }
    const pods = (await env.core.listNamespacedPod({ namespace: ns }).catch(() => ({ items: [] }))).items.slice(0, MAX_PODS);
    for (const pod of pods) {
      for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
        const name = pod.metadata?.name ?? '?';
        const text = await env.core
          .readNamespacedPodLog({ name, namespace: ns, container: container.name, tailLines: LOG_LINES })
          .catch((error: unknown) => `(no logs: ${describeError(error)})`);
        add(`logs/${name}/${container.name}.log`, String(text));
      }
    }
  } else {
    add('cluster.error.txt', inputs.envError ?? 'no cluster');
  }

  const zipEntries: ZipEntry[] = entries.map(({ name, data }) => ({
    name,
    data: typeof data === 'string' ? redactor.text(data) : JSON.stringify(redactor.value(data), null, 2),
  }));
  const names = zipEntries.map((entry) => entry.name);
  zipEntries.unshift({ name: 'README.txt', data: readme(inputs, names, redactor.count) });
  const zip = writeZip(zipEntries);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = resolve(out ?? join(ctx.dataDir, 'bundles', `logclaw-bundle-${env?.tenant ?? ctx.tenant()}-${stamp}.zip`));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, zip, { mode: 0o600 });
  await chmod(path, 0o600);
  return { path, bytes: zip.length, files: ['README.txt', ...names], redactions: redactor.count };
}

function readme(inputs: BundleInputs, files: string[], redactions: number): string {
  return [
    'LogClaw Desktop support bundle',
    `created ${new Date().toISOString()} for tenant ${inputs.doctor.tenant} (namespace ${inputs.doctor.namespace}, context ${inputs.doctor.context ?? 'none'})`,
    '',
    `Secret values, credential-like keys and env vars, bearer tokens and URL passwords are replaced by [REDACTED] (${redactions} replacements).`,
    'Secrets are listed by name and key only. Review the files before sharing them.',
    '',
    ...files,
  ].join('\n');
}
