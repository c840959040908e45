// The CPU and memory the stack asks for: the tenant charts rendered with the local profile (helm
// template, so the numbers follow the charts), plus what the five operators typically use (their
// charts are remote and mostly set no requests).
import YAML from 'yaml';
import type { Requests } from './preflight.js';
import { parseBytes, parseCpu } from './quantity.js';

/** Typical footprint of the operators (Strimzi, Flink, OpenSearch, ESO, cert-manager), measured on kind. */
export const OPERATORS_FOOTPRINT = { cpuMillis: 600, memoryBytes: 1.5 * 2 ** 30 };

interface Resources {
  requests?: { cpu?: unknown; memory?: unknown };
}
interface PodSpec {
  containers?: Array<{ resources?: Resources }>;
  initContainers?: Array<{ resources?: Resources }>;
}

function containerSum(containers: PodSpec['containers'] = []): { cpu: number; mem: number } {
  return containers.reduce(
    (acc, c) => ({ cpu: acc.cpu + parseCpu(c.resources?.requests?.cpu), mem: acc.mem + parseBytes(c.resources?.requests?.memory) }),
    { cpu: 0, mem: 0 },
  );
}

/** Effective requests of a pod: the larger of its containers' sum and its biggest init container. */
export function podRequests(spec: PodSpec | undefined): { cpu: number; mem: number } {
  const main = containerSum(spec?.containers);
  const init = (spec?.initContainers ?? []).map((c) => ({
    cpu: parseCpu(c.resources?.requests?.cpu),
    mem: parseBytes(c.resources?.requests?.memory),
  }));
  return { cpu: Math.max(main.cpu, ...init.map((i) => i.cpu)), mem: Math.max(main.mem, ...init.map((i) => i.mem)) };
}

/** Sums the long-running requests of rendered objects (workloads, Strimzi node pools, OpenSearch pools). */
export function sumRequests(manifests: string[]): { cpuMillis: number; memoryBytes: number } {
  let cpu = 0;
  let mem = 0;
  const add = (r: { cpu: number; mem: number }, times = 1) => {
    cpu += r.cpu * times;
    mem += r.mem * times;
  };
  for (const text of manifests) {
    for (const doc of YAML.parseAllDocuments(text)) {
      const o = doc.toJS() as { kind?: string; spec?: Record<string, unknown> } | null;
      if (!o?.kind || !o.spec) continue;
      const spec = o.spec as {
        replicas?: number;
        template?: { spec?: PodSpec };
        resources?: Resources;
        nodePools?: Array<{ replicas?: number; resources?: Resources }>;
      };
      if (o.kind === 'Deployment' || o.kind === 'StatefulSet') add(podRequests(spec.template?.spec), spec.replicas ?? 1);
      else if (o.kind === 'DaemonSet') add(podRequests(spec.template?.spec));
      else if (o.kind === 'KafkaNodePool')
        add({ cpu: parseCpu(spec.resources?.requests?.cpu), mem: parseBytes(spec.resources?.requests?.memory) }, spec.replicas ?? 1);
      else if (o.kind === 'OpenSearchCluster') {
        for (const pool of spec.nodePools ?? [])
          add({ cpu: parseCpu(pool.resources?.requests?.cpu), mem: parseBytes(pool.resources?.requests?.memory) }, pool.replicas ?? 1);
      } else if (o.kind === 'Kafka') {
        const eo = (o.spec as { entityOperator?: Record<string, { resources?: Resources } | undefined> }).entityOperator ?? {};
        for (const part of Object.values(eo))
          if (part && typeof part === 'object')
            add({ cpu: parseCpu(part.resources?.requests?.cpu), mem: parseBytes(part.resources?.requests?.memory) });
      }
    }
  }
  return { cpuMillis: cpu, memoryBytes: mem };
}

export function totalRequests(manifests: string[]): Requests {
  const tenant = sumRequests(manifests);
  return {
    cpuMillis: tenant.cpuMillis + OPERATORS_FOOTPRINT.cpuMillis,
    memoryBytes: tenant.memoryBytes + OPERATORS_FOOTPRINT.memoryBytes,
    source: `requests of the ${manifests.length} tenant releases rendered by helm, plus about ${OPERATORS_FOOTPRINT.cpuMillis}m CPU and 1.5 GiB for the operators`,
  };
}
