// Builds stack-shaped workloads in the test API server: a Deployment + Service whose pods kwok makes
// Ready, and a kwok port-forward rule that sends the pod port to a real server on this machine.
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createPortForwardRule } from '../../scripts/test-env/kube/helpers.js';
import type { EndpointTypes } from './test-env.js';

export function kubeConfigOf(kube: EndpointTypes['kube']): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kube.kubeconfig);
  kc.setCurrentContext(kube.context);
  return kc;
}

export async function ensureNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
}

/** A Service with a one-replica Deployment behind it, its container port forwarded by kwok to `realPort`. */
export async function serviceBackedBy(
  kube: EndpointTypes['kube'],
  options: { namespace: string; name: string; port: number; targetPort?: number; realPort: number },
): Promise<void> {
  const kc = kubeConfigOf(kube);
  await ensureNamespace(kc, options.namespace);
  const containerPort = options.targetPort ?? options.port;
  const labels = { app: options.name };
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: options.namespace,
    body: {
      metadata: { name: options.name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'main', image: 'registry.invalid/stand-in:1', ports: [{ name: 'main', containerPort }] }] },
        },
      },
    },
  });
  await kc.makeApiClient(CoreV1Api).createNamespacedService({
    namespace: options.namespace,
    body: {
      metadata: { name: options.name },
      spec: { selector: labels, ports: [{ name: 'main', port: options.port, targetPort: 'main' }] },
    },
  });
  await createPortForwardRule(
    { kubeconfig: kube.kubeconfig, context: kube.context },
    { namespace: options.namespace, port: containerPort, targetPort: options.realPort, name: `${options.namespace}-${options.name}` },
  );
  await waitFor(async () => {
    const pods = await kc
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: options.namespace, labelSelector: `app=${options.name}` });
    return pods.items.some((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  }, `a ready pod for ${options.name}`);
}

export async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}
