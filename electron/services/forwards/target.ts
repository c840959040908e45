// Finds where a forward should go right now: for a Service, a ready pod behind it and the container
// port its port maps to. Re-resolved on every probe, so a new pod (rollout, crash) is picked up.
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { AppError } from '#contract/index.js';

export interface ForwardTarget {
  pod: string;
  port: number;
}

export async function resolveTarget(
  kc: KubeConfig,
  spec: { namespace: string; target: { kind: 'service' | 'pod'; name: string }; remotePort: number },
): Promise<ForwardTarget> {
  const core = kc.makeApiClient(CoreV1Api);
  const { namespace } = spec;
  if (spec.target.kind === 'pod') {
    const pod = await read(() => core.readNamespacedPod({ namespace, name: spec.target.name }), `pod/${spec.target.name}`, namespace);
    if (!isReady(pod))
      throw new AppError('KUBE_UNREACHABLE', `pod/${spec.target.name} is not ready`, {
        hint: 'Wait for it, or check it in the Doctor pane.',
      });
    return { pod: spec.target.name, port: spec.remotePort };
  }
  const service = await read(() => core.readNamespacedService({ namespace, name: spec.target.name }), `svc/${spec.target.name}`, namespace);
  const servicePort = service.spec?.ports?.find((p) => p.port === spec.remotePort);
  if (!servicePort) {
    const ports = (service.spec?.ports ?? []).map((p) => p.port).join(', ');
    throw new AppError('NOT_FOUND', `svc/${spec.target.name} has no port ${spec.remotePort}`, {
      hint: `Its ports are ${ports || 'none'}.`,
    });
  }
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) {
    throw new AppError('NOT_FOUND', `svc/${spec.target.name} has no selector, so there is no pod to forward to`);
  }
  const labelSelector = Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const pods = (await core.listNamespacedPod({ namespace, labelSelector })).items.filter(isReady);
  // The newest ready pod: after a rollout, traffic goes to the new one.
  const pod = pods.sort((a, b) => Number(b.metadata?.creationTimestamp ?? 0) - Number(a.metadata?.creationTimestamp ?? 0))[0];
  if (!pod?.metadata?.name) {
    throw new AppError('KUBE_UNREACHABLE', `No ready pod behind svc/${spec.target.name}`, {
      hint: 'The pods may be starting or crashing: see the Stack or Doctor pane.',
    });
  }
  return { pod: pod.metadata.name, port: containerPort(pod, servicePort.targetPort ?? servicePort.port) };
}

function containerPort(pod: V1Pod, targetPort: number | string): number {
  if (typeof targetPort === 'number') return targetPort;
  if (/^\d+$/.test(targetPort)) return Number(targetPort);
  for (const container of pod.spec?.containers ?? []) {
    const named = container.ports?.find((p) => p.name === targetPort);
    if (named) return named.containerPort;
  }
  throw new AppError('NOT_FOUND', `pod/${pod.metadata?.name} has no container port named "${targetPort}"`);
}

function isReady(pod: V1Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    !pod.metadata?.deletionTimestamp &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

async function read<T>(fetch: () => Promise<T>, what: string, namespace: string): Promise<T> {
  try {
    return await fetch();
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === 404)
      throw new AppError('NOT_FOUND', `${what} does not exist in namespace ${namespace}`, {
        hint: 'Is the stack installed for this tenant and context?',
      });
    throw new AppError('KUBE_UNREACHABLE', `Cannot read ${what}: ${(error as Error).message}`, {
      hint: 'Is the cluster running and the context right?',
    });
  }
}
