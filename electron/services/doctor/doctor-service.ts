// The doctor: runs the checks (each isolated: one failing detector never hides the others), applies
// a confirmed fix and re-checks, builds the health checklist and the support bundle.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, toErrorPayload } from '#contract/index.js';
import type { BundleResult, DoctorCheck, DoctorCheckId, DoctorReport, FixPlan, FixResult, HealthReport } from '#contract/doctor.js';
import type { BackendContext } from '../../domain.js';
import { writeBundle } from './bundle.js';
import { type CheckDefinition, type Detection, renderFix } from './check.js';
import { airflowMigrations } from './checks/airflow-migrations.js';
import { airflowWebserverOom } from './checks/airflow-webserver-oom.js';
import { externalSecrets } from './checks/external-secrets.js';
import { helmReleases } from './checks/helm-releases.js';
import { imagePulls } from './checks/image-pulls.js';
import { inotify, maxMapCount } from './checks/host.js';
import { opensearchAuth } from './checks/opensearch-auth.js';
import { opensearchClusterManager } from './checks/opensearch-cluster-manager.js';
import { podFailures } from './checks/pod-failures.js';
import { strimziCrds } from './checks/strimzi-crds.js';
import { topologyZone } from './checks/topology-zone.js';
import { vectorKafka } from './checks/vector-kafka.js';
import { type DoctorEnv, createDoctorEnv, describeError, mask } from './env.js';
import { healthItems } from './health.js';

/** In the issue's order. */
export const CHECKS: readonly CheckDefinition[] = [
  strimziCrds,
  airflowWebserverOom,
  airflowMigrations,
  opensearchAuth,
  topologyZone,
  opensearchClusterManager,
  vectorKafka,
  maxMapCount,
  inotify,
  helmReleases,
  externalSecrets,
  podFailures,
  imagePulls,
];

export function checkDefinition(id: DoctorCheckId): CheckDefinition {
  const check = CHECKS.find((candidate) => candidate.id === id);
  if (!check) throw new AppError('NOT_FOUND', `No doctor check "${id}"`);
  return check;
}

function maskFix(fix: FixPlan, redact: (text: string) => string): FixPlan {
  return { ...fix, commands: fix.commands.map(redact) };
}

export class DoctorService {
  readonly #ctx: BackendContext;
  #last: DoctorReport | null = null;

  constructor(ctx: BackendContext) {
    this.#ctx = ctx;
  }

  get last(): DoctorReport | null {
    return this.#last;
  }

  /** The env for one run, or the reason the cluster cannot be reached. */
  async #env(tenant?: string): Promise<{ env: DoctorEnv | null; error?: ReturnType<typeof toErrorPayload> }> {
    try {
      const env = await createDoctorEnv(this.#ctx, tenant);
      await Promise.race([
        env.core.listNamespace({ limit: 1 }),
        sleep(8000).then(() => Promise.reject(new Error('no answer within 8 s'))),
      ]).catch((error: Error) => {
        throw new AppError('KUBE_UNREACHABLE', `${env.target.context} does not answer: ${error.message}`, {
          hint: 'Is the cluster up (Docker running for kind) and the context right?',
        });
      });
      return { env };
    } catch (error) {
      return { env: null, error: toErrorPayload(error) };
    }
  }

  async #hostOnlyEnv(tenant?: string): Promise<DoctorEnv> {
    // Host checks run without a cluster: a stand-in env with what they read (/proc, data dir).
    const procRoot = this.#ctx.env.LOGCLAW_DOCTOR_PROC_ROOT ?? '';
    return {
      ctx: this.#ctx,
      tenant: tenant ?? this.#ctx.tenant(),
      redact: [],
      local: true,
      readProc: (path: string) => readFile(procRoot + path, 'utf8'),
    } as unknown as DoctorEnv;
  }

  async #detect(
    check: CheckDefinition,
    env: DoctorEnv | null,
    clusterError: string | undefined,
  ): Promise<{ check: DoctorCheck; detection: Detection }> {
    const started = Date.now();
    let detection: Detection;
    if (!env && check.cluster) {
      detection = { status: 'warn', summary: `Not checked: ${clusterError ?? 'no cluster'}` };
    } else {
      try {
        detection = await check.detect(env ?? (await this.#hostOnlyEnv()));
      } catch (error) {
        const payload = toErrorPayload(error);
        detection = { status: 'warn', summary: `Could not check: ${describeError(error)}${payload.hint ? ` (${payload.hint})` : ''}` };
      }
    }
    const redact = (text: string) => (env ? mask(env, text) : text);
    return {
      detection,
      check: {
        id: check.id,
        title: check.title,
        status: detection.status,
        summary: redact(detection.summary),
        explanation: check.explanation,
        evidence: (detection.evidence ?? []).map((e) => ({ source: e.source, lines: e.lines.map(redact) })),
        ...(detection.status !== 'ok' && detection.fix ? { fix: maskFix(renderFix(detection.fix), redact) } : {}),
        checkedAt: Date.now(),
        durationMs: Date.now() - started,
      },
    };
  }

  async run(input: { tenant?: string; only?: DoctorCheckId[] } = {}): Promise<DoctorReport> {
    const { env, error } = await this.#env(input.tenant);
    const selected = input.only?.length ? CHECKS.filter((check) => input.only!.includes(check.id)) : CHECKS;
    // A few at a time: each check makes several API calls, and helm/kubectl processes cost CPU.
    const results: DoctorCheck[] = new Array(selected.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < selected.length) {
          const index = next++;
          results[index] = (await this.#detect(selected[index]!, env, error?.message)).check;
        }
      }),
    );
    const report: DoctorReport = {
      tenant: env?.tenant ?? input.tenant ?? this.#ctx.tenant(),
      namespace: env?.namespace ?? `logclaw-${input.tenant ?? this.#ctx.tenant()}`,
      context: env?.target.context ?? null,
      ...(error ? { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } } : {}),
      checks: results,
      checkedAt: Date.now(),
    };
    if (!input.only?.length) this.#last = report;
    else if (this.#last)
      this.#last = {
        ...this.#last,
        checks: this.#last.checks.map((c) => results.find((r) => r.id === c.id) ?? c),
        checkedAt: report.checkedAt,
      };
    this.#ctx.bus.emit('doctor:report', this.#last ?? report);
    return report;
  }

  /** Applies the fix of a failing check (the confirmation is its id typed back), then re-checks until it passes or settles. */
  async fix(
    input: { id: DoctorCheckId; confirm: string; tenant?: string },
    onLine: (text: string) => void = () => undefined,
  ): Promise<FixResult> {
    if (input.confirm !== input.id)
      throw new AppError('INVALID_REQUEST', `Confirm the fix by typing its check id "${input.id}"`, {
        hint: 'The confirmation names what will change; `logclaw doctor --fix <id>` is the confirmation on the command line.',
      });
    const check = checkDefinition(input.id);
    const { env, error } = await this.#env(input.tenant);
    if (!env && check.cluster) throw new AppError(error?.code ?? 'KUBE_UNREACHABLE', error?.message ?? 'No cluster', { hint: error?.hint });
    const before = await this.#detect(check, env, error?.message);
    if (before.check.status === 'ok') {
      return { id: check.id, applied: ['nothing to fix: the check passes'], before: before.check, after: before.check };
    }
    const plan = before.check.fix;
    if (!plan || !plan.automatic || !check.fix || !env) {
      throw new AppError('INVALID_REQUEST', `${check.title}: there is no one-click fix for this${plan ? '' : ' (no fix known)'}`, {
        hint: plan ? `${plan.changes} Commands: ${plan.commands.join(' && ')}` : 'Read the evidence and explanation (`logclaw doctor`).',
        detail: { check: before.check },
      });
    }
    const applied: string[] = [];
    const line = (text: string) => {
      const masked = mask(env, text);
      applied.push(masked);
      onLine(masked);
    };
    try {
      await check.fix(env, before.detection, line);
    } catch (failure) {
      const payload = toErrorPayload(failure);
      throw new AppError(payload.code, `The fix of ${check.id} failed: ${mask(env, payload.message)}`, {
        hint: payload.hint,
        detail: { applied, detail: payload.detail },
      });
    }
    // Re-check: controllers act on the change asynchronously (rollouts, the scheduler, helm hooks).
    const deadline = Date.now() + (check.settleMs ?? 20_000);
    let after = before;
    for (;;) {
      const fresh = await this.#env(input.tenant);
      after = await this.#detect(check, fresh.env, fresh.error?.message);
      if (after.check.status === 'ok' || Date.now() > deadline) break;
      await sleep(1000);
    }
    if (this.#last)
      this.#last = { ...this.#last, checks: this.#last.checks.map((c) => (c.id === check.id ? after.check : c)), checkedAt: Date.now() };
    if (this.#last) this.#ctx.bus.emit('doctor:report', this.#last);
    return { id: check.id, applied, before: before.check, after: after.check };
  }

  async health(tenant?: string): Promise<HealthReport> {
    const { env, error } = await this.#env(tenant);
    const t = env?.tenant ?? tenant ?? this.#ctx.tenant();
    if (!env) {
      const item = (id: 'pods' | 'kafka' | 'opensearch' | 'releases', title: string) => ({
        id,
        title,
        status: 'warn' as const,
        summary: `Not checked: ${error?.message ?? 'no cluster'}`,
        details: [],
        command: '',
      });
      return {
        tenant: t,
        namespace: `logclaw-${t}`,
        context: null,
        items: [
          item('pods', 'All pods Running'),
          item('kafka', 'Kafka Ready'),
          item('opensearch', 'OpenSearch health'),
          item('releases', 'Releases deployed'),
        ],
        checkedAt: Date.now(),
      };
    }
    return {
      tenant: env.tenant,
      namespace: env.namespace,
      context: env.target.context,
      items: await healthItems(env),
      checkedAt: Date.now(),
    };
  }

  async bundle(input: { tenant?: string; out?: string } = {}): Promise<BundleResult> {
    const { env, error } = await this.#env(input.tenant);
    const doctor = await this.run({ tenant: input.tenant });
    const health = env ? await this.health(input.tenant).catch(() => null) : null;
    return writeBundle(this.#ctx, { env, envError: error?.message, doctor, health }, input.out);
  }
}
