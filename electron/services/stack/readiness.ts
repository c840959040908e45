// Readiness from the resources themselves: Deployments/StatefulSets/DaemonSets rolled out, Jobs
// complete, the Strimzi Kafka CR's Ready condition, the OpenSearchCluster's phase and health, as
// verdicts on the objects (readiness-watch.ts keeps them current; diagnosis.ts explains a timeout).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ManifestObject } from './helm.js';

export interface Assessment {
  ready: boolean;
  /** A terminal failure (Job failed, rollout past its deadline): waiting longer will not help. */
  failed?: boolean;
  message: string;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface AnyObject extends KubernetesObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Condition[] };
}

/** The kinds whose readiness we wait for, with their API path pieces. */
export const WATCHED: Record<string, { plural: string }> = {
  Deployment: { plural: 'deployments' },
  StatefulSet: { plural: 'statefulsets' },
  DaemonSet: { plural: 'daemonsets' },
  Job: { plural: 'jobs' },
  Kafka: { plural: 'kafkas' },
  OpenSearchCluster: { plural: 'opensearchclusters' },
};

export function isWatched(object: ManifestObject): boolean {
  return (
    object.kind in WATCHED &&
    (object.kind !== 'Kafka' || object.apiVersion.startsWith('kafka.strimzi.io/')) &&
    (object.kind !== 'OpenSearchCluster' || object.apiVersion.startsWith('opensearch.opster.io/'))
  );
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
      if (progressing?.reason === 'ProgressDeadlineExceeded')
        return { ready: false, failed: true, message: `rollout exceeded its progress deadline: ${progressing.message ?? ''}`.trim() };
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
      if (
        strategy === 'RollingUpdate' &&
        object.status?.updateRevision &&
        object.status.currentRevision !== object.status.updateRevision &&
        updated < want
      ) {
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
      if (failed?.status === 'True')
        return { ready: false, failed: true, message: `failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() };
      if (condition(object, 'Complete')?.status === 'True') return { ready: true, message: 'complete' };
      return {
        ready: false,
        message: `${num(object.status?.active)} running, ${num(object.status?.succeeded)} succeeded, ${num(object.status?.failed)} failed`,
      };
    }
    case 'Kafka': {
      const ready = condition(object, 'Ready');
      if (ready?.status === 'True' && !stale) return { ready: true, message: 'Ready' };
      const notReady = condition(object, 'NotReady');
      if (notReady?.status === 'True')
        return { ready: false, message: `NotReady: ${notReady.reason ?? ''} ${notReady.message ?? ''}`.trim() };
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

/** The kubectl command that waits for the same thing: shown as the equivalent of the watch. */
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
  for (const match of text.matchAll(/(\d+)(ms|s|m|h)/g))
    total += Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return total;
}
