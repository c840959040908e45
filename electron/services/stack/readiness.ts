// Readiness from the resources themselves: Deployments/StatefulSets/DaemonSets rolled out, Jobs
// complete, the Strimzi Kafka CR's Ready condition, the OpenSearchCluster's phase and health. Read
// with client-node watches (one per kind and namespace, re-listed when a watch ends), so progress
// messages are real signals; on a timeout the not-ready resources are explained from their pods.
import { CoreV1Api, type KubeConfig, KubernetesObjectApi, type KubernetesObject, type V1Pod, Watch } from '@kubernetes/client-node';
import { AppError } from '../../contract/index.js';
import type { Diagnosis } from '../../contract/stack.js';
import type { ManifestObject } from './helm.js';

export interface Assessment {
  ready: boolean;
  /** A terminal failure (Job failed, rollout past its deadline): waiting longer will not help. */
  failed?: boolean;
  message: string;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface AnyObject extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Condition[] };
}

/** The kinds whose readiness we wait for, with their API path pieces. */
const WATCHED: Record<string, { plural: string }> = {
  Deployment: { plural: 'deployments' },
  StatefulSet: { plural: 'statefulsets' },
  DaemonSet: { plural: 'daemonsets' },
  Job: { plural: 'jobs' },
  Kafka: { plural: 'kafkas' },
  OpenSearchCluster: { plural: 'opensearchclusters' },
};

export function isWatched(object: ManifestObject): boolean {
  return object.kind in WATCHED && (object.kind !== 'Kafka' || object.apiVersion.startsWith('kafka.strimzi.io/')) && (object.kind !== 'OpenSearchCluster' || object.apiVersion.startsWith('opensearch.opster.io/'));
}

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const condition = (object: AnyObject, type: string): Condition | undefined => object.status?.conditions?.find((c) => c.type === type);

/** kubectl rollout status's rules, and the CRs' own status, as one verdict. */
export function assess(object: AnyObject): Assessment {
  const generation = object.metadata?.generation;
  const observed = object.status?.observedGeneration;
  const stale = generation !== undefined && typeof observed === 'number' && observed < generation;
  switch (object.kind) {
    case 'Deployment': {
      if (stale || observed === undefined) return { ready: false, message: 'waiting for the rollout to be observed' };
      const progressing = condition(object, 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') return { ready: false, failed: true, message: `rollout exceeded its progress deadline: ${progressing.message ?? ''}`.trim() };
      const want = typeof object.spec?.replicas === 'number' ? object.spec.replicas : 1;
      const updated = num(object.status?.updatedReplicas);
      const total = num(object.status?.replicas);
      const available = num(object.status?.availableReplicas);
      if (updated < want) return { ready: false, message: `${updated} of ${want} replicas updated` };
      if (total > updated) return { ready: false, message: `${total - updated} old replicas pending termination` };
      if (available < updated) return { ready: false, message: `${available} of ${want} available` };
      return { ready: true, message: `${available}/${want} available` };
    }
    case 'StatefulSet': {
      if (stale || observed === undefined) return { ready: false, message: 'waiting for the rollout to be observed' };
      const want = typeof object.spec?.replicas === 'number' ? object.spec.replicas : 1;
      const ready = num(object.status?.readyReplicas);
      const updated = num(object.status?.updatedReplicas);
      if (ready < want) return { ready: false, message: `${ready} of ${want} pods ready` };
      const strategy = (object.spec?.updateStrategy as { type?: string } | undefined)?.type ?? 'RollingUpdate';
      if (strategy === 'RollingUpdate' && object.status?.updateRevision && object.status.currentRevision !== object.status.updateRevision && updated < want) {
        return { ready: false, message: `${updated} of ${want} pods updated` };
      }
      return { ready: true, message: `${ready}/${want} ready` };
    }
    case 'DaemonSet': {
      if (stale || observed === undefined) return { ready: false, message: 'waiting for the rollout to be observed' };
      const want = num(object.status?.desiredNumberScheduled);
      const updated = num(object.status?.updatedNumberScheduled);
      const available = num(object.status?.numberAvailable);
      if (updated < want) return { ready: false, message: `${updated} of ${want} pods updated` };
      if (available < want) return { ready: false, message: `${available} of ${want} available` };
      return { ready: true, message: `${available}/${want} available` };
    }
    case 'Job': {
      const failed = condition(object, 'Failed');
      if (failed?.status === 'True') return { ready: false, failed: true, message: `failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() };
      if (condition(object, 'Complete')?.status === 'True') return { ready: true, message: 'complete' };
      return { ready: false, message: `${num(object.status?.active)} running, ${num(object.status?.succeeded)} succeeded, ${num(object.status?.failed)} failed` };
    }
    case 'Kafka': {
      const ready = condition(object, 'Ready');
      if (ready?.status === 'True' && !stale) return { ready: true, message: 'Ready' };
      const notReady = condition(object, 'NotReady');
      if (notReady?.status === 'True') return { ready: false, message: `NotReady: ${notReady.reason ?? ''} ${notReady.message ?? ''}`.trim() };
      const warning = object.status?.conditions?.find((c) => c.type === 'Warning' && c.status === 'True');
      if (warning) return { ready: false, message: `Warning: ${warning.reason ?? ''} ${warning.message ?? ''}`.trim() };
      return { ready: false, message: 'waiting for Strimzi to report Ready' };
    }
    case 'OpenSearchCluster': {
      const phase = typeof object.status?.phase === 'string' ? object.status.phase : undefined;
      const health = typeof object.status?.health === 'string' ? object.status.health : undefined;
      if (phase === 'RUNNING' && (health === 'green' || health === 'yellow')) return { ready: true, message: `RUNNING, health ${health}` };
      return { ready: false, message: `phase ${phase ?? 'none yet'}, health ${health ?? 'unknown'}` };
    }
    default:
      return { ready: true, message: 'no readiness to wait for' };
  }
}

export interface ResourceState {
  object: ManifestObject & { namespace: string };
  found: AnyObject | null;
  assessment: Assessment;
}

const key = (o: { kind: string; name: string; namespace?: string }) => `${o.kind}/${o.namespace ?? ''}/${o.name}`;

function watchPath(apiVersion: string, namespace: string, plural: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}/namespaces/${namespace}/${plural}`;
}

/** One list+watch per (apiVersion, kind, namespace); keeps the latest object of each name we care about. */
class KindWatch {
  readonly #objects = new Map<string, AnyObject>();
  #controller: AbortController | undefined;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly kc: KubeConfig,
    private readonly apiVersion: string,
    private readonly kind: string,
    private readonly namespace: string,
    private readonly names: Set<string>,
    private readonly onChange: () => void,
  ) {}

  get(name: string): AnyObject | null {
    return this.#objects.get(name) ?? null;
  }

  async start(): Promise<void> {
    if (this.#stopped) return;
    let resourceVersion: string | undefined;
    try {
      const list = await this.kc.makeApiClient(KubernetesObjectApi).list(this.apiVersion, this.kind, this.namespace);
      this.#objects.clear();
      for (const item of list.items as AnyObject[]) if (item.metadata?.name && this.names.has(item.metadata.name)) this.#objects.set(item.metadata.name, { ...item, kind: this.kind });
      resourceVersion = list.metadata?.resourceVersion;
      this.onChange();
    } catch {
      this.#again();
      return;
    }
    if (this.#stopped) return;
    try {
      this.#controller = await new Watch(this.kc).watch(
        watchPath(this.apiVersion, this.namespace, WATCHED[this.kind]!.plural),
        { resourceVersion, allowWatchBookmarks: true },
        (phase, object: AnyObject) => {
          const name = object?.metadata?.name;
          if (!name || !this.names.has(name)) return;
          if (phase === 'DELETED') this.#objects.delete(name);
          else if (phase === 'ADDED' || phase === 'MODIFIED') this.#objects.set(name, { ...object, kind: this.kind });
          this.onChange();
        },
        () => this.#again(),
      );
    } catch {
      this.#again();
    }
  }

  #again(): void {
    if (this.#stopped || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.start();
    }, 1000);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#controller?.abort();
  }
}

/** Watches a set of resources and reports their readiness as it changes. */
export class ReadinessWatch {
  readonly #watches = new Map<string, KindWatch>();
  readonly #objects: Array<ManifestObject & { namespace: string }>;

  #listed = false;
  readonly #onChange: (states: ResourceState[]) => void;

  constructor(kc: KubeConfig, objects: ManifestObject[], defaultNamespace: string, onChange: (states: ResourceState[]) => void) {
    this.#onChange = onChange;
    this.#objects = objects.filter(isWatched).map((o) => ({ ...o, namespace: o.namespace ?? defaultNamespace }));
    const groups = new Map<string, Array<ManifestObject & { namespace: string }>>();
    for (const object of this.#objects) {
      const group = `${object.apiVersion}|${object.kind}|${object.namespace}`;
      groups.set(group, [...(groups.get(group) ?? []), object]);
    }
    for (const [group, members] of groups) {
      const [apiVersion, kind, namespace] = group.split('|') as [string, string, string];
      // Until every kind has been listed once, "not found" would only mean "not listed yet".
      this.#watches.set(group, new KindWatch(kc, apiVersion, kind, namespace, new Set(members.map((m) => m.name)), () => this.#listed && this.#onChange(this.states())));
    }
  }

  get size(): number {
    return this.#objects.length;
  }

  async start(): Promise<void> {
    await Promise.all([...this.#watches.values()].map((watch) => watch.start()));
    this.#listed = true;
    this.#onChange(this.states());
  }

  states(): ResourceState[] {
    return this.#objects.map((object) => {
      const found = this.#watches.get(`${object.apiVersion}|${object.kind}|${object.namespace}`)?.get(object.name) ?? null;
      return { object, found, assessment: found ? assess(found) : { ready: false, message: 'not created yet' } };
    });
  }

  stop(): void {
    for (const watch of this.#watches.values()) watch.stop();
  }
}

export function describeState(state: ResourceState): string {
  return `${state.object.kind.toLowerCase()}/${state.object.name}: ${state.assessment.message}`;
}

export interface WaitOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** The latest not-ready summary (or "all ready"). */
  onProgress?: (summary: string, states: ResourceState[]) => void;
  /** A line per resource state change. */
  onLine?: (text: string) => void;
}

/**
 * Resolves when every watched object is ready. Rejects with TIMEOUT (or TOOL_FAILED for a terminal
 * failure such as a failed Job) carrying a Diagnosis of the resources that were not ready.
 */
export async function waitForReady(kc: KubeConfig, objects: ManifestObject[], namespace: string, options: WaitOptions): Promise<ResourceState[]> {
  const last = new Map<string, string>();
  let settle!: (value: { states: ResourceState[]; error?: 'failed' | 'timeout' }) => void;
  const outcome = new Promise<{ states: ResourceState[]; error?: 'failed' | 'timeout' }>((resolve) => (settle = resolve));
  const check = (states: ResourceState[]) => {
    for (const state of states) {
      const text = describeState(state);
      if (last.get(key(state.object)) !== text) {
        last.set(key(state.object), text);
        options.onLine?.(text);
      }
    }
    const waiting = states.filter((state) => !state.assessment.ready);
    if (waiting.length) options.onProgress?.(waiting.map(describeState).join('; '), states);
    if (waiting.length === 0) settle({ states });
    else if (waiting.some((state) => state.assessment.failed)) settle({ states, error: 'failed' });
  };
  const watch = new ReadinessWatch(kc, objects, namespace, check);
  if (watch.size === 0) return [];
  const timer = setTimeout(() => settle({ states: watch.states(), error: 'timeout' }), options.timeoutMs);
  const onAbort = () => settle({ states: watch.states() });
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await watch.start();
    const result = await outcome;
    if (options.signal.aborted) throw options.signal.reason ?? new AppError('CANCELLED', 'Cancelled');
    if (!result.error) return result.states;
    const waiting = result.states.filter((state) => !state.assessment.ready);
    const diagnosis = await diagnose(kc, waiting).catch(() => undefined);
    const what = waiting.map(describeState).join('; ');
    const seconds = Math.round(options.timeoutMs / 1000);
    throw new AppError(
      result.error === 'timeout' ? 'TIMEOUT' : 'TOOL_FAILED',
      result.error === 'timeout' ? `Not ready after ${seconds}s: ${what}` : `Failed: ${what}`,
      { hint: hintFor(diagnosis), detail: { diagnosis } },
    );
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
    watch.stop();
  }
}

/** A one-line next step from what the pods say. */
export function hintFor(diagnosis: Diagnosis | undefined): string {
  const text = JSON.stringify(diagnosis ?? {});
  if (/Insufficient (cpu|memory)/.test(text)) return 'The node has too little CPU or memory for the requests: give Docker more resources, or lower the requests in your values.';
  if (/unbound immediate PersistentVolumeClaims|persistentvolumeclaim .* not found|no persistent volumes available/i.test(text)) return 'A volume cannot be bound: check that the storage class exists (--storage-class) and has a provisioner.';
  if (/ImagePullBackOff|ErrImagePull/.test(text)) return 'An image cannot be pulled: check the image name and the cluster\'s network or registry mirror.';
  if (/CrashLoopBackOff/.test(text)) return 'A container keeps crashing: read its last log lines below.';
  if (/didn't match Pod's node affinity|node\(s\) had untolerated taint/.test(text)) return 'No node matches the pod\'s placement rules (labels, taints, topology zone).';
  return 'Look at the pods\' events and last log lines below; fix the cause, then retry the step.';
}

/** Pods, events and last log lines of the resources that are not ready. */
export async function diagnose(kc: KubeConfig, waiting: ResourceState[]): Promise<Diagnosis> {
  const core = kc.makeApiClient(CoreV1Api);
  const diagnosis: Diagnosis = { resources: [], pods: [], events: [] };
  for (const state of waiting.slice(0, 6)) {
    const { object, found } = state;
    diagnosis.resources.push({ kind: object.kind, name: object.name, message: state.assessment.message });
    const events = await core.listNamespacedEvent({ namespace: object.namespace, fieldSelector: `involvedObject.name=${object.name}` }).catch(() => ({ items: [] }));
    for (const event of events.items.slice(-5)) {
      diagnosis.events.push({ object: `${object.kind.toLowerCase()}/${object.name}`, type: event.type ?? '', reason: event.reason ?? '', message: event.message ?? '' });
    }
    const selector = (found?.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
    if (!selector || Object.keys(selector).length === 0) continue;
    const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = await core.listNamespacedPod({ namespace: object.namespace, labelSelector }).catch(() => ({ items: [] as V1Pod[] }));
    for (const pod of pods.items.filter((p) => !isPodReady(p)).slice(0, 3)) diagnosis.pods.push(await podStory(core, pod));
  }
  return diagnosis;
}

export function isPodReady(pod: V1Pod): boolean {
  if (pod.status?.phase === 'Succeeded') return true;
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Why a pod is not ready, in lines a person reads first. */
export function podReasons(pod: V1Pod): string[] {
  const reasons: string[] = [];
  for (const c of pod.status?.conditions ?? []) {
    if (c.status !== 'True' && (c.reason || c.message)) reasons.push(`${c.type}: ${[c.reason, c.message].filter(Boolean).join(' – ')}`);
  }
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = status.state?.waiting;
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    if (waiting?.reason) reasons.push(`${status.name}: ${waiting.reason}${waiting.message ? ` – ${waiting.message}` : ''}`);
    else if (terminated && terminated.exitCode !== 0) reasons.push(`${status.name}: exited ${terminated.exitCode} (${terminated.reason ?? 'error'})`);
    if (status.restartCount > 0) reasons.push(`${status.name}: ${status.restartCount} restarts`);
  }
  return reasons;
}

async function podStory(core: CoreV1Api, pod: V1Pod): Promise<Diagnosis['pods'][number]> {
  const name = pod.metadata?.name ?? '?';
  const namespace = pod.metadata?.namespace ?? 'default';
  const events = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name},involvedObject.kind=Pod` }).catch(() => ({ items: [] }));
  const container = pod.spec?.containers?.[0]?.name;
  let logTail: string[] = [];
  if (pod.status?.phase !== 'Pending' && container) {
    const text = await core.readNamespacedPodLog({ name, namespace, container, tailLines: 20 }).catch(() => '');
    logTail = String(text).split('\n').filter(Boolean).slice(-20);
  }
  return {
    name,
    phase: pod.status?.phase ?? 'Unknown',
    reasons: podReasons(pod),
    events: events.items.slice(-10).map((event) => ({
      type: event.type ?? '',
      reason: event.reason ?? '',
      message: event.message ?? '',
      count: event.count ?? 1,
      at: toIso(event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp),
    })),
    logTail,
  };
}

function toIso(value: unknown): string | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The kubectl command that waits for the same thing (for "copy as commands"). */
export function waitCommand(object: ManifestObject, namespace: string, timeout: string): string[] {
  const ns = object.namespace ?? namespace;
  const ref = `${object.kind.toLowerCase()}/${object.name}`;
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return ['kubectl', 'rollout', 'status', ref, '-n', ns, `--timeout=${timeout}`];
    case 'Job':
      return ['kubectl', 'wait', '--for=condition=complete', ref, '-n', ns, `--timeout=${timeout}`];
    case 'Kafka':
      return ['kubectl', 'wait', '--for=condition=Ready', ref, '-n', ns, `--timeout=${timeout}`];
    case 'OpenSearchCluster':
      return ['kubectl', 'wait', '--for=jsonpath={.status.phase}=RUNNING', ref, '-n', ns, `--timeout=${timeout}`];
    default:
      return ['kubectl', 'get', ref, '-n', ns];
  }
}

export function parseDuration(text: string): number {
  let total = 0;
  for (const match of text.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return total;
}
