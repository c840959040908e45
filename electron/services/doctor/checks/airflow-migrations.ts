// 3. Airflow waiting for database migrations: the migration Job run again, the waiting pods restarted.
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import YAML from 'yaml';
import type { Evidence } from '#contract/doctor.js';
import { AppError } from '#contract/index.js';
import { parseManifest } from '../../stack/helm.js';
import { equivalent } from '../../stack/ops/shown.js';
import { fill } from '../../stack/plan.js';
import { type CheckDefinition, ok } from '../check.js';
import { ageMs, eventLines, orNull, podName } from '../env.js';
import { airflowPods } from './airflow.js';

const WAIT_MS = 120_000;

function waitingForMigrations(pod: V1Pod): { container: string; since: number; state: string } | null {
  for (const status of pod.status?.initContainerStatuses ?? []) {
    if (!/migration/.test(status.name)) continue;
    if (status.state?.terminated?.exitCode === 0) continue;
    const since = ageMs(status.state?.running?.startedAt ?? pod.status?.startTime);
    const state = status.state?.running
      ? 'running'
      : status.state?.waiting
        ? `waiting (${status.state.waiting.reason ?? ''})`
        : 'not started';
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
  for (const key of Object.keys(template.metadata?.labels ?? {}))
    if (/controller-uid|job-name/.test(key)) delete template.metadata!.labels![key];
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
    const evidence: Evidence[] = stuck.map(({ pod, wait }) => ({
      source: `pod/${podName(pod)}`,
      lines: [`init container ${wait!.container}: ${wait!.state} for ${Math.round(wait!.since / 60_000)} min`],
    }));
    evidence.push({
      source: job ? `job/${job.metadata?.name}` : 'migration job',
      lines: [`state: ${jobState(job)}`, ...(job ? await eventLines(env, job.metadata!.name!, 'Job', 5) : [])],
    });
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
        // All through the API: the kubectl that does the same.
        shown: [
          ...(job ? [equivalent(env.command('kubectl', ['-n', env.namespace, 'delete', 'job', name, '--ignore-not-found']))] : []),
          equivalent(
            env.command('helm', ['get', 'manifest', release, '-n', env.namespace]),
            env.command('kubectl', ['-n', env.namespace, 'apply', '-l', 'app.kubernetes.io/component=migrate', '-f', '-']),
          ),
          equivalent(env.command('kubectl', ['-n', env.namespace, 'wait', '--for=condition=complete', `job/${name}`, '--timeout=10m'])),
          equivalent(env.command('kubectl', ['-n', env.namespace, 'delete', 'pod', ...stuck.map(({ pod }) => podName(pod))])),
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
      const doc = YAML.parseAllDocuments(stdout)
        .map((d) => d.toJS() as V1Job)
        .find((d) => d?.kind === 'Job' && names.some((n) => n.name === d.metadata?.name));
      if (!doc)
        throw new AppError('NOT_FOUND', `Release ${data.release} has no migration Job`, {
          hint: 'Run `airflow db migrate` as in the LogClaw README, step 4.',
        });
      template = freshJob(doc);
    }
    const name = template.metadata!.name!;
    await env.batch
      .deleteNamespacedJob({ name, namespace: env.namespace, propagationPolicy: 'Background' })
      .catch((error: { code?: number }) => {
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
      if (state.startsWith('failed'))
        throw new AppError('TOOL_FAILED', `The migration Job ${state}`, {
          hint: `Read its logs: kubectl -n ${env.namespace} logs job/${name}`,
        });
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
