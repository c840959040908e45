// The fake nodes of a kwok cluster: Node objects shaped like a kubelet's (labels, capacity,
// nodeInfo), applied with kubectl and waited Ready.
import { mustRun } from './run.js';

export interface KwokNodeSpec {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
}

function nodeManifest(n: KwokNodeSpec, kubeletVersion: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0', ...n.annotations },
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        type: 'kwok',
        ...n.labels,
      },
    },
    spec: n.taints?.length ? { taints: n.taints } : {},
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti' },
      capacity: { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti' },
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        osImage: 'kwok fake node',
        kernelVersion: 'kwok',
        containerRuntimeVersion: 'kwok://fake',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}

/** Create (or replace) nodes and wait until every one is Ready. */
export async function applyNodes(
  kubectl: string,
  kubeconfig: string,
  nodes: KwokNodeSpec[],
  kubeletVersion: string,
  timeoutMs = 60_000,
): Promise<void> {
  const list = { apiVersion: 'v1', kind: 'List', items: nodes.map((n) => nodeManifest(n, kubeletVersion)) };
  await mustRun(kubectl, ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], { input: JSON.stringify(list) });
  await mustRun(kubectl, [
    '--kubeconfig',
    kubeconfig,
    'wait',
    '--for=condition=Ready',
    `--timeout=${Math.ceil(timeoutMs / 1000)}s`,
    ...nodes.map((n) => `node/${n.name}`),
  ]);
}
