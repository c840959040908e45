// The CPU and memory a selection of the stack asks for: requests (what the scheduler reserves) and
// limits (the most its containers may use) of its tenant charts rendered by helm template (so the
// numbers follow the charts and the install's values), plus those of the operators it needs (their
// charts are remote, so their footprints are written down here).
import YAML from 'yaml';
import type { Footprint } from '#contract/stack.js';
import { parseBytes, parseCpu } from './quantity.js';

/** Requests and limits summed; a container without a limit counts at its request and is counted in `unlimited` (memory). */
export interface Totals {
  requests: Footprint;
  limits: Footprint;
  unlimited: number;
}

const Mi = 2 ** 20;
export const NO_TOTALS: Totals = { requests: { cpuMillis: 0, memoryBytes: 0 }, limits: { cpuMillis: 0, memoryBytes: 0 }, unlimited: 0 };

/**
 * The operators' pods at their charts' default values (the seed's versions): Strimzi and the
 * OpenSearch operator set requests and limits; cert-manager, external-secrets and the Flink
 * operator set none, so those are typical use (three small Go pods each; one JVM pod with two
 * containers), without a limit.
 */
export const OPERATOR_FOOTPRINTS: Record<string, Totals> = {
  'cert-manager': {
    requests: { cpuMillis: 100, memoryBytes: 128 * Mi },
    limits: { cpuMillis: 100, memoryBytes: 128 * Mi },
    unlimited: 3,
  },
  'external-secrets': {
    requests: { cpuMillis: 100, memoryBytes: 192 * Mi },
    limits: { cpuMillis: 100, memoryBytes: 192 * Mi },
    unlimited: 3,
  },
  strimzi: { requests: { cpuMillis: 200, memoryBytes: 384 * Mi }, limits: { cpuMillis: 1000, memoryBytes: 384 * Mi }, unlimited: 0 },
  'flink-operator': {
    requests: { cpuMillis: 100, memoryBytes: 512 * Mi },
    limits: { cpuMillis: 100, memoryBytes: 512 * Mi },
    unlimited: 2,
  },
  'opensearch-operator': {
    requests: { cpuMillis: 100, memoryBytes: 350 * Mi },
    limits: { cpuMillis: 200, memoryBytes: 500 * Mi },
    unlimited: 0,
  },
};

interface Resources {
  requests?: { cpu?: unknown; memory?: unknown };
  limits?: { cpu?: unknown; memory?: unknown };
}
interface PodSpec {
  containers?: Array<{ resources?: Resources }>;
  initContainers?: Array<{ resources?: Resources }>;
}

/** One container's requests and limits (a missing limit is its request). */
function container(resources: Resources | undefined): Totals {
  const requests = { cpuMillis: parseCpu(resources?.requests?.cpu), memoryBytes: parseBytes(resources?.requests?.memory) };
  const limitCpu = resources?.limits?.cpu;
  const limitMemory = resources?.limits?.memory;
  return {
    requests,
    limits: {
      cpuMillis: limitCpu === undefined ? requests.cpuMillis : parseCpu(limitCpu),
      memoryBytes: limitMemory === undefined ? requests.memoryBytes : parseBytes(limitMemory),
    },
    unlimited: limitMemory === undefined ? 1 : 0,
  };
}

const plus = (a: Footprint, b: Footprint, times = 1): Footprint => ({
  cpuMillis: a.cpuMillis + b.cpuMillis * times,
  memoryBytes: a.memoryBytes + b.memoryBytes * times,
});
const larger = (a: Footprint, b: Footprint): Footprint => ({
  cpuMillis: Math.max(a.cpuMillis, b.cpuMillis),
  memoryBytes: Math.max(a.memoryBytes, b.memoryBytes),
});

export function addTotals(a: Totals, b: Totals, times = 1): Totals {
  return {
    requests: plus(a.requests, b.requests, times),
    limits: plus(a.limits, b.limits, times),
    unlimited: a.unlimited + b.unlimited * times,
  };
}

/** A pod's effective requests and limits: the larger of its containers' sum and its biggest init container (as the scheduler counts). */
export function podTotals(spec: PodSpec | undefined): Totals {
  const main = (spec?.containers ?? []).map((c) => container(c.resources)).reduce((sum, c) => addTotals(sum, c), NO_TOTALS);
  const inits = (spec?.initContainers ?? []).map((c) => container(c.resources));
  return {
    requests: inits.reduce((max, init) => larger(max, init.requests), main.requests),
    limits: inits.reduce((max, init) => larger(max, init.limits), main.limits),
    unlimited: main.unlimited,
  };
}

/**
 * Sums the long-running pods of rendered objects: workloads, Strimzi node pools and entity operator,
 * OpenSearch pools. Jobs end, so they are left out.
 */
export function sumResources(manifests: string[]): Totals {
  let total = NO_TOTALS;
  const add = (totals: Totals, times = 1) => (total = addTotals(total, totals, times));
  for (const text of manifests) {
    for (const doc of YAML.parseAllDocuments(text)) {
      const o = doc.toJS() as { kind?: string; spec?: Record<string, unknown> } | null;
      if (!o?.kind || !o.spec) continue;
      const spec = o.spec as {
        replicas?: number;
        template?: { spec?: PodSpec };
        resources?: Resources;
        nodePools?: Array<{ replicas?: number; resources?: Resources }>;
        entityOperator?: { topicOperator?: { resources?: Resources }; userOperator?: { resources?: Resources } };
      };
      if (o.kind === 'Deployment' || o.kind === 'StatefulSet') add(podTotals(spec.template?.spec), spec.replicas ?? 1);
      // One node: a DaemonSet runs one pod.
      else if (o.kind === 'DaemonSet') add(podTotals(spec.template?.spec));
      else if (o.kind === 'KafkaNodePool') add(container(spec.resources), spec.replicas ?? 1);
      else if (o.kind === 'OpenSearchCluster') for (const pool of spec.nodePools ?? []) add(container(pool.resources), pool.replicas ?? 1);
      else if (o.kind === 'Kafka')
        for (const part of [spec.entityOperator?.topicOperator, spec.entityOperator?.userOperator])
          if (part) add(container(part.resources));
    }
  }
  return total;
}

/** The operators' footprints summed (an operator not in the table counts as nothing). */
export function operatorTotals(operators: readonly string[]): Totals {
  return operators.reduce((sum, name) => addTotals(sum, OPERATOR_FOOTPRINTS[name] ?? NO_TOTALS), NO_TOTALS);
}
