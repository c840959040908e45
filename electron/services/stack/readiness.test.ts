import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { hintFor, podReasons } from './diagnosis.js';
import { assess, parseDuration, waitCommand } from './readiness.js';

const meta = (generation = 2) => ({ name: 'x', generation });

describe('readiness from the resources themselves', () => {
  it('Deployments follow kubectl rollout status', () => {
    expect(assess({ kind: 'Deployment', metadata: meta(), spec: { replicas: 1 }, status: { observedGeneration: 1 } })).toMatchObject({
      ready: false,
      message: 'waiting for the rollout to be observed',
    });
    expect(
      assess({
        kind: 'Deployment',
        metadata: meta(),
        spec: { replicas: 2 },
        status: { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 },
      }),
    ).toMatchObject({ ready: false, message: '1 of 2 available' });
    expect(
      assess({
        kind: 'Deployment',
        metadata: meta(),
        spec: { replicas: 1 },
        status: { observedGeneration: 2, updatedReplicas: 1, replicas: 2, availableReplicas: 1 },
      }),
    ).toMatchObject({ ready: false, message: '1 old replicas pending termination' });
    expect(
      assess({
        kind: 'Deployment',
        metadata: meta(),
        spec: { replicas: 1 },
        status: { observedGeneration: 2, updatedReplicas: 1, replicas: 1, availableReplicas: 1 },
      }),
    ).toEqual({ ready: true, message: '1/1 available' });
    expect(
      assess({
        kind: 'Deployment',
        metadata: meta(),
        spec: { replicas: 1 },
        status: {
          observedGeneration: 2,
          conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'took too long' }],
        },
      }),
    ).toMatchObject({ ready: false, failed: true });
  });

  it('StatefulSets, DaemonSets and Jobs', () => {
    expect(
      assess({ kind: 'StatefulSet', metadata: meta(1), spec: { replicas: 1 }, status: { observedGeneration: 1, readyReplicas: 0 } }),
    ).toMatchObject({ ready: false, message: '0 of 1 pods ready' });
    expect(
      assess({
        kind: 'StatefulSet',
        metadata: meta(1),
        spec: { replicas: 1 },
        status: { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'a' },
      }),
    ).toMatchObject({ ready: true });
    expect(
      assess({
        kind: 'DaemonSet',
        metadata: meta(1),
        status: { observedGeneration: 1, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1 },
      }),
    ).toMatchObject({ ready: true });
    expect(assess({ kind: 'Job', metadata: meta(1), status: { active: 1 } })).toMatchObject({
      ready: false,
      message: '1 running, 0 succeeded, 0 failed',
    });
    expect(assess({ kind: 'Job', metadata: meta(1), status: { conditions: [{ type: 'Complete', status: 'True' }] } })).toMatchObject({
      ready: true,
    });
    expect(
      assess({
        kind: 'Job',
        metadata: meta(1),
        status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
      }),
    ).toMatchObject({ ready: false, failed: true });
  });

  it("the Kafka CR's Ready condition and the OpenSearchCluster's phase and health", () => {
    expect(assess({ kind: 'Kafka', metadata: meta(1), status: {} })).toMatchObject({
      ready: false,
      message: 'waiting for Strimzi to report Ready',
    });
    expect(
      assess({
        kind: 'Kafka',
        metadata: meta(1),
        status: { conditions: [{ type: 'NotReady', status: 'True', reason: 'Creating', message: 'Kafka cluster is being deployed' }] },
      }),
    ).toMatchObject({ ready: false, message: 'NotReady: Creating Kafka cluster is being deployed' });
    expect(
      assess({ kind: 'Kafka', metadata: meta(2), status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } }),
    ).toMatchObject({ ready: false });
    expect(
      assess({ kind: 'Kafka', metadata: meta(1), status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } }),
    ).toMatchObject({ ready: true });
    expect(assess({ kind: 'OpenSearchCluster', metadata: meta(1), status: { phase: 'PENDING' } })).toMatchObject({
      ready: false,
      message: 'phase PENDING, health unknown',
    });
    expect(assess({ kind: 'OpenSearchCluster', metadata: meta(1), status: { phase: 'RUNNING', health: 'yellow' } })).toMatchObject({
      ready: true,
    });
  });

  it('explains a pod that is not ready, and suggests the next step', () => {
    const pod: V1Pod = {
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' },
        ],
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 3,
            image: 'x',
            imageID: '',
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
          },
        ],
      },
    };
    expect(podReasons(pod)).toEqual([
      'PodScheduled: Unschedulable – 0/1 nodes are available: 1 Insufficient cpu.',
      'app: CrashLoopBackOff – back-off 40s',
      'app: 3 restarts',
    ]);
    expect(
      hintFor({ resources: [], pods: [{ name: 'p', phase: 'Pending', reasons: podReasons(pod), events: [], logTail: [] }], events: [] }),
    ).toMatch(/too little CPU or memory/);
  });

  it('the equivalent kubectl waits, and durations', () => {
    expect(waitCommand({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, 'ns', '5m')).toEqual([
      'kubectl',
      'rollout',
      'status',
      'deployment/d',
      '-n',
      'ns',
      '--timeout=5m',
    ]);
    expect(waitCommand({ apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', name: 'k' }, 'ns', '5m')).toEqual([
      'kubectl',
      'wait',
      '--for=condition=Ready',
      'kafka/k',
      '-n',
      'ns',
      '--timeout=5m',
    ]);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('45s')).toBe(45_000);
  });
});
