// Proves the test Kubernetes API is real: a built kube-apiserver reporting its version, controllers
// that turn Deployments into Ready pods (kwok nodes), port-forward through the API server to a real
// server, and upstream CRDs validating custom resources server-side.
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { AppsV1Api, CoreV1Api, PortForward } from '@kubernetes/client-node';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/test-env/env.js';
import { crdsDir, kubectlRun } from '../../scripts/test-env/kube/helpers.js';
import { kubeConfigOf, serviceBackedBy, waitFor } from '../support/kube.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';

const NAMESPACE = `te-kube-${Date.now().toString(36).slice(-5)}`;

describe('test-env kube (etcd + kube-apiserver + controllers from source, kwok nodes)', () => {
  let env: Pick<EndpointTypes, 'kube' | 'tools'>;
  beforeAll(async () => {
    env = await useTestEnv('kube', 'tools');
  });

  it('serves /version with the built, stamped version', async () => {
    const version = JSON.parse(await kubectlRun(env.tools.kubectl, env.kube, ['get', '--raw', '/version'])) as {
      gitVersion: string;
      major: string;
    };
    expect(version.gitVersion).toMatch(/^v1\.33\.\d+$/);
    expect(version.gitVersion).toBe(env.kube.version);
    expect(version.major).toBe('1');
    const nodes = JSON.parse(await kubectlRun(env.tools.kubectl, env.kube, ['get', 'nodes', '-o', 'json'])) as {
      items: Array<{ status: { conditions: Array<{ type: string; status: string }> } }>;
    };
    expect(nodes.items.length).toBeGreaterThan(0);
    expect(nodes.items[0]!.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('runs a Deployment to Ready pods and forwards a pod port through the API server to a real server', async () => {
    const server = createServer((req, res) => res.end(`real server saw ${req.method} ${req.url}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await serviceBackedBy(env.kube, {
        namespace: NAMESPACE,
        name: 'web',
        port: 80,
        targetPort: 8080,
        realPort: (server.address() as { port: number }).port,
      });
      const kc = kubeConfigOf(env.kube);
      const deployment = await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: NAMESPACE, name: 'web' });
      await waitFor(
        async () =>
          ((await kc.makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: NAMESPACE, name: 'web' })).status?.availableReplicas ??
            0) === 1,
        'deployment available',
      );
      expect(deployment.metadata?.uid).toBeTruthy();
      const pod = (await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app=web' })).items[0]!;
      expect(pod.status?.phase).toBe('Running');

      // client-node's PortForward (WebSocket, v4.channel.k8s.io) behind a local socket.
      const local = createTcpServer((socket) => {
        const errors = new PassThrough();
        errors.on('data', () => socket.destroy());
        void new PortForward(kc).portForward(NAMESPACE, pod.metadata!.name!, [8080], socket, errors, socket).then((ws) => {
          if (typeof ws !== 'function') ws.on('close', () => socket.destroy());
        });
      });
      await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
      const body = await (await fetch(`http://127.0.0.1:${(local.address() as { port: number }).port}/through-the-apiserver`)).text();
      expect(body).toBe('real server saw GET /through-the-apiserver');
      local.close();

      // kubectl port-forward to the Service works the same way.
      const port = await freePort();
      const kubectl = execa(
        env.tools.kubectl,
        ['--kubeconfig', env.kube.kubeconfig, '-n', NAMESPACE, 'port-forward', 'svc/web', `${port}:80`],
        { reject: false },
      );
      try {
        await waitFor(
          async () =>
            (await fetch(`http://127.0.0.1:${port}/kubectl`).then(
              (r) => r.text(),
              () => '',
            )) === 'real server saw GET /kubectl',
          'kubectl port-forward',
        );
      } finally {
        kubectl.kill();
      }
    } finally {
      server.close();
    }
  });

  it('has every upstream CRD installed and validates a Strimzi v1 Kafka server-side', async () => {
    const crds = (await kubectlRun(env.tools.kubectl, env.kube, ['get', 'crd', '-o', 'name']))
      .split('\n')
      .map((line) => line.replace('customresourcedefinition.apiextensions.k8s.io/', ''));
    const shared = readdirSync(crdsDir(), { recursive: true }).filter((file) => String(file).endsWith('.yaml'));
    expect(crds.length).toBeGreaterThanOrEqual(shared.length);
    expect(crds).toEqual(
      expect.arrayContaining([
        'kafkas.kafka.strimzi.io',
        'opensearchclusters.opensearch.opster.io',
        'flinkdeployments.flink.apache.org',
        'externalsecrets.external-secrets.io',
        'certificates.cert-manager.io',
        'inferenceservices.serving.kserve.io',
        'applicationsets.argoproj.io',
      ]),
    );
    const kafka = (spec: string) => `apiVersion: kafka.strimzi.io/v1
kind: Kafka
metadata: {name: logclaw, namespace: default}
spec:
${spec}`;
    const valid = kafka(`  kafka:
    version: 4.1.1
    metadataVersion: 4.1-IV1
    listeners:
      - {name: plain, port: 9092, type: internal, tls: false}
  entityOperator: {topicOperator: {}, userOperator: {}}`);
    const output = await kubectlRun(env.tools.kubectl, env.kube, ['apply', '--server-side', '--dry-run=server', '-f', '-'], {
      input: valid,
    });
    expect(output).toContain('kafka.kafka.strimzi.io/logclaw serverside-applied (server dry run)');
    const removedField = kafka(`  zookeeper: {replicas: 3, storage: {type: ephemeral}}
  kafka:
    listeners:
      - {name: plain, port: 9092, type: internal, tls: false}`);
    await expect(
      kubectlRun(env.tools.kubectl, env.kube, ['apply', '--server-side', '--dry-run=server', '-f', '-'], { input: removedField }),
    ).rejects.toThrow(/zookeeper/);
  });
});
