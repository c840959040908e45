import { describe, expect, it } from 'vitest';
import { sourceRoot } from '../paths.js';
import { readPlan } from './plan.js';
import { OPERATOR_FOOTPRINTS, operatorTotals, sumResources } from './requests.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('requests and limits of rendered charts', () => {
  it('sums workloads by replicas, Strimzi node pools and entity operator, init containers as the scheduler counts them', () => {
    const manifest = [
      'kind: Deployment\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - resources: {requests: {cpu: 250m, memory: 1Gi}, limits: {memory: 2Gi}}\n        - resources: {requests: {cpu: "0.5", memory: 512Mi}, limits: {cpu: "1", memory: 512Mi}}',
      'kind: StatefulSet\nspec:\n  template:\n    spec:\n      initContainers:\n        - resources: {requests: {cpu: "2", memory: 64Mi}}\n      containers:\n        - resources: {requests: {cpu: 100m, memory: 256Mi}, limits: {memory: 1Gi}}',
      'kind: KafkaNodePool\nspec:\n  replicas: 1\n  resources: {requests: {cpu: 500m, memory: 2Gi}, limits: {memory: 2Gi}}',
      'kind: Kafka\nspec:\n  entityOperator:\n    topicOperator: {resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}}\n    userOperator: {resources: {requests: {cpu: 100m, memory: 128Mi}}}\n    template: {pod: {}}',
      // Jobs end: they are not what the stack keeps asking for.
      'kind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - resources: {requests: {cpu: "8", memory: 8Gi}}',
    ].join('\n---\n');
    expect(sumResources([manifest])).toEqual({
      requests: { cpuMillis: 2 * 750 + 2000 + 500 + 200, memoryBytes: 2 * 1.5 * GiB + 256 * MiB + 2 * GiB + 256 * MiB },
      // A container without a limit counts at its request; the init container's 2 CPUs are the pod's larger share.
      limits: { cpuMillis: 2 * 1250 + 2000 + 500 + 200, memoryBytes: 2 * 2.5 * GiB + 1 * GiB + 2 * GiB + 256 * MiB + 128 * MiB },
      unlimited: 1,
    });
  });

  it('has a footprint for every operator of the plan', () => {
    const plan = readPlan(sourceRoot());
    expect(Object.keys(OPERATOR_FOOTPRINTS).sort()).toEqual(plan.operators.map((operator) => operator.name).sort());
    expect(operatorTotals(['strimzi', 'cert-manager'])).toEqual({
      requests: { cpuMillis: 300, memoryBytes: 512 * MiB },
      limits: { cpuMillis: 1100, memoryBytes: 512 * MiB },
      unlimited: 3,
    });
  });
});
