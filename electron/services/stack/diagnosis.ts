// Why resources are not ready, from their pods: events, reasons, the last log lines, and a
// one-line next step.
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Diagnosis } from '#contract/stack.js';
import type { ResourceState } from './readiness.js';

/** A one-line next step from what the pods say. */
export function hintFor(diagnosis: Diagnosis | undefined): string {
  const text = JSON.stringify(diagnosis ?? {});
  if (/Insufficient (cpu|memory)/.test(text))
    return 'The node has too little CPU or memory for the requests: give Docker more resources, or lower the requests in your values.';
  if (/unbound immediate PersistentVolumeClaims|persistentvolumeclaim .* not found|no persistent volumes available/i.test(text))
    return 'A volume cannot be bound: check that the storage class exists (--storage-class) and has a provisioner.';
  if (/ImagePullBackOff|ErrImagePull/.test(text))
    return "An image cannot be pulled: check the image name and the cluster's network or registry mirror.";
  if (/CrashLoopBackOff/.test(text)) return 'A container keeps crashing: read its last log lines below.';
  if (/didn't match Pod's node affinity|node\(s\) had untolerated taint/.test(text))
    return "No node matches the pod's placement rules (labels, taints, topology zone).";
  return "Look at the pods' events and last log lines below; fix the cause, then retry the step.";
}

/** Pods, events and last log lines of the resources that are not ready. */
export async function diagnose(kc: KubeConfig, waiting: ResourceState[]): Promise<Diagnosis> {
  const core = kc.makeApiClient(CoreV1Api);
  const diagnosis: Diagnosis = { resources: [], pods: [], events: [] };
  for (const state of waiting.slice(0, 6)) {
    const { object, found } = state;
    diagnosis.resources.push({ kind: object.kind, name: object.name, message: state.assessment.message });
    const events = await core
      .listNamespacedEvent({ namespace: object.namespace, fieldSelector: `involvedObject.name=${object.name}` })
      .catch(() => ({ items: [] }));
    for (const event of events.items.slice(-5)) {
      diagnosis.events.push({
        object: `${object.kind.toLowerCase()}/${object.name}`,
        type: event.type ?? '',
        reason: event.reason ?? '',
        message: event.message ?? '',
      });
    }
    const selector = (found?.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
    if (!selector || Object.keys(selector).length === 0) continue;
    const labelSelector = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
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
    else if (terminated && terminated.exitCode !== 0)
      reasons.push(`${status.name}: exited ${terminated.exitCode} (${terminated.reason ?? 'error'})`);
    if (status.restartCount > 0) reasons.push(`${status.name}: ${status.restartCount} restarts`);
  }
  return reasons;
}

async function podStory(core: CoreV1Api, pod: V1Pod): Promise<Diagnosis['pods'][number]> {
  const name = pod.metadata?.name ?? '?';
  const namespace = pod.metadata?.namespace ?? 'default';
  const events = await core
    .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name},involvedObject.kind=Pod` })
    .catch(() => ({ items: [] }));
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
