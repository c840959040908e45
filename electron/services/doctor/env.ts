// What every check reads and changes through: the current cluster (the same target the stack
// installer resolves), the tenant's namespace, helm/kubectl with that kubeconfig, the install plan,
// the app's dev secrets and this machine's /proc. Built once per doctor run.
import { readFile } from 'node:fs/promises';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type CoreV1Event as V1Event,
  type V1Pod,
} from '@kubernetes/client-node';
import { redactText, shellLine } from '#contract/command.js';
import type { BackendContext } from '../../domain.js';
import { type HelmRelease, type RunTool, helmList } from '../stack/helm.js';
import { STRIMZI_GROUP } from '../stack/ops/strimzi.js';
import { type StackPlan, chartsDirFor, readPlan } from '../stack/plan.js';
import { DevSecretsStore, type TenantSecrets, secretValues } from '../stack/secrets.js';
import { tenantNamespace } from '../stack/services.js';
import { type ResolvedTarget, currentTarget, kubeConfigFor, targetCommand } from '../stack/target.js';
import type { RunOptions, RunResult } from '../tools/run-tool.js';
import type { CommandOptions, ToolCall } from '../tools/tools-service.js';

export type Tool = 'helm' | 'kubectl';

export interface DoctorEnv {
  ctx: BackendContext;
  tenant: string;
  namespace: string;
  target: ResolvedTarget;
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  custom: CustomObjectsApi;
  crds: ApiextensionsV1Api;
  plan: StackPlan;
  chartsDir: string;
  secrets: TenantSecrets | null;
  /** Every dev secret value, masked wherever text leaves the backend. */
  redact: string[];
  /** A kubectl/helm command against this target, as a value (run it with exec, show it with shellLine). */
  command(tool: Tool, args: string[]): ToolCall;
  /** The same command as a line to copy. */
  commandLine(tool: Tool, args: string[]): string;
  /** Runs a command value exactly as it is shown. */
  exec(command: ToolCall, options?: CommandOptions): Promise<RunResult>;
  /** Runs a read against this target (by tool and arguments: what the support bundle uses). */
  run(tool: Tool, args: string[], options?: RunOptions): Promise<RunResult>;
  readProc(path: string): Promise<string>;
  /** The cluster runs on this machine (kind, or an API server on loopback): host kernel settings apply. */
  local: boolean;
}

export async function createDoctorEnv(ctx: BackendContext, tenantInput?: string): Promise<DoctorEnv> {
  const tenant = tenantInput ?? ctx.tenant();
  const target = currentTarget(ctx.kubeTarget(), ctx.env, ctx.dataDir);
  const kc = kubeConfigFor(target, ctx.env);
  const secrets = await new DevSecretsStore(ctx.dataDir).read(tenant).catch(() => null);
  const procRoot = ctx.env.LOGCLAW_DOCTOR_PROC_ROOT ?? '';
  const server = kc.getCurrentCluster()?.server ?? '';
  const redact = secrets ? secretValues(secrets) : [];
  const exec = (command: ToolCall, options: CommandOptions = {}) =>
    ctx.tools.runCommand(command, { timeoutMs: 120_000, redact, ...options });
  return {
    ctx,
    tenant,
    namespace: tenantNamespace(tenant),
    target,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    crds: kc.makeApiClient(ApiextensionsV1Api),
    plan: readPlan(ctx.appRoot),
    chartsDir: chartsDirFor(ctx.appRoot, ctx.env),
    secrets,
    redact,
    command: (tool, args) => targetCommand(target, tool, args),
    commandLine: (tool, args) => shellLine(targetCommand(target, tool, args)),
    exec,
    run: (tool, args, options = {}) => {
      const command = targetCommand(target, tool, args);
      return ctx.tools.run(tool, command.args, { timeoutMs: 120_000, redact, ...options, env: { ...options.env, ...command.env } });
    },
    readProc: (path) => readFile(procRoot + path, 'utf8'),
    local:
      target.mode === 'kind' ||
      target.context.startsWith('kind-') ||
      /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/|$)/.test(server),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading helpers shared by the checks

export const isNotFound = (error: unknown): boolean => (error as { code?: number })?.code === 404;

/**
 * null for 404, the object otherwise; other errors throw. A 429 (the API server's storage for a
 * just-established CRD is still initializing, or priority-and-fairness throttling) is retried.
 */
export async function orNull<T>(call: Promise<T> | (() => Promise<T>)): Promise<T | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await (typeof call === 'function' ? call() : call);
    } catch (error) {
      if (isNotFound(error)) return null;
      if ((error as { code?: number }).code !== 429 || attempt >= 4 || typeof call !== 'function') throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** One readable line from a client-node ApiException (its body's message), or the error's own. */
export function describeError(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return `${parsed.message} (HTTP ${(error as { code?: number }).code ?? '?'})`;
    } catch {
      /* not JSON */
    }
  }
  return ((error as Error)?.message ?? String(error)).split('\n')[0]!;
}

/** Runs reads by tool name for the stack's helm helpers (which name the target themselves). */
export function reader(env: DoctorEnv): RunTool {
  return (name, args, options = {}) => env.ctx.tools.run(name, args, { timeoutMs: 120_000, redact: env.redact, ...options });
}

/** Helm releases in a namespace, or every namespace, any status. */
export async function listReleases(env: DoctorEnv, namespace: string | 'all'): Promise<HelmRelease[]> {
  return helmList(reader(env), env.target, namespace, { timeoutMs: 60_000 });
}

export async function listPods(env: DoctorEnv, labelSelector?: string): Promise<V1Pod[]> {
  return (await env.core.listNamespacedPod({ namespace: env.namespace, labelSelector })).items;
}

export function podName(pod: V1Pod): string {
  return pod.metadata?.name ?? '?';
}

/** Events about one object, newest last, as lines. */
export async function eventLines(env: DoctorEnv, name: string, kind?: string, limit = 8): Promise<string[]> {
  const fieldSelector = `involvedObject.name=${name}${kind ? `,involvedObject.kind=${kind}` : ''}`;
  const events = await env.core.listNamespacedEvent({ namespace: env.namespace, fieldSelector }).catch(() => ({ items: [] as V1Event[] }));
  return sortEvents(events.items).slice(-limit).map(eventLine);
}

export function sortEvents(events: V1Event[]): V1Event[] {
  return [...events].sort((a, b) => eventTime(a) - eventTime(b));
}

function eventTime(event: V1Event): number {
  const value = event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp;
  return value ? new Date(value as unknown as string).getTime() : 0;
}

export function eventLine(event: V1Event): string {
  const count = (event.count ?? 1) > 1 ? ` (x${event.count})` : '';
  return `${event.type ?? 'Normal'} ${event.reason ?? ''}${count}: ${event.message ?? ''}`.trim();
}

/** The last log lines of a container (the previous instance's for a restarted one); [] when logs are unavailable. */
export async function logLines(env: DoctorEnv, pod: V1Pod, container?: string, tail = 20): Promise<string[]> {
  const name = container ?? pod.spec?.containers?.[0]?.name;
  if (!name) return [];
  const restarted = (pod.status?.containerStatuses ?? []).find((status) => status.name === name)?.restartCount ?? 0;
  const read = (previous: boolean) =>
    env.core.readNamespacedPodLog({ name: podName(pod), namespace: env.namespace, container: name, tailLines: tail, previous });
  const text = await read(restarted > 0)
    .catch(() => (restarted > 0 ? read(false) : ''))
    .catch(() => '');
  return mask(env, String(text ?? ''))
    .split('\n')
    .filter(Boolean)
    .slice(-tail);
}

export function mask(env: Pick<DoctorEnv, 'redact'>, text: string): string {
  return redactText(text, env.redact);
}

export function ageMs(value: unknown): number {
  if (!value) return 0;
  const time = new Date(value as string).getTime();
  return Number.isNaN(time) ? 0 : Date.now() - time;
}

interface KafkaObject {
  metadata?: { name?: string };
  spec?: { kafka?: { listeners?: Array<{ name: string; port: number; type: string; tls: boolean }> } };
  status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

/** The tenant's Kafka CRs, at kafka.strimzi.io/v1 or (older Strimzi) v1beta2. */
export async function readKafkas(env: DoctorEnv): Promise<KafkaObject[]> {
  for (const version of ['v1', 'v1beta2']) {
    const list = await orNull(
      () =>
        env.custom.listNamespacedCustomObject({ group: STRIMZI_GROUP, version, plural: 'kafkas', namespace: env.namespace }) as Promise<{
          items: KafkaObject[];
        }>,
    );
    if (list) return list.items;
  }
  return [];
}
