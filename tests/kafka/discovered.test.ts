// Zero-config Kafka through the installed stack: a Strimzi-shaped Kafka + KafkaNodePool in the real
// API server, a broker pod that kwok forwards to a real broker which (like Strimzi's) advertises an
// in-cluster name nobody outside can resolve. The app finds the broker pods, forwards each, and
// maps the advertised address — tail and produce work with nothing configured.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import type { EnvContext, Running } from '../../scripts/test-env/component.js';
import kafka, { type KafkaEndpoint, type KafkaState, startKafkaAgain, stopKafka } from '../../scripts/test-env/kafka/component.js';
import { cacheRoot, freePort } from '../../scripts/test-env/env.js';
import { createPortForwardRule } from '../../scripts/test-env/kube/helpers.js';
import { ensureNamespace, kubeConfigOf, waitFor } from '../support/kube.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';
import { tailThroughBackend, uniqueTopic } from './support.js';

const TENANT = `kd${Date.now().toString(36).slice(-5)}`;
const NAMESPACE = `logclaw-${TENANT}`;
const CLUSTER = `logclaw-kafka-${TENANT}`;

describe('Kafka discovered from the installed stack', () => {
  let env: Pick<EndpointTypes, 'kube'>;
  let running: Running<KafkaEndpoint>;
  let runDir: string;
  let backend: Backend;
  let nodeId: number;

  beforeAll(async () => {
    env = await useTestEnv('kube');
    runDir = mkdtempSync(join(tmpdir(), 'logclaw-discovered-kafka-'));
    const ctx: EnvContext = { cacheRoot: cacheRoot(), runDir, freePort, log: () => undefined };
    await kafka.provision(ctx);
    running = await kafka.start(ctx, {});
    const state = running.state as KafkaState;
    const config = join(state.home, 'server.properties');
    nodeId = Number(/^node\.id=(\d+)$/m.exec(readFileSync(config, 'utf8'))![1]);
    const pod = `${CLUSTER}-combined-${nodeId}`;
    // Advertise what a Strimzi broker advertises: its pod's in-cluster DNS name.
    await stopKafka(running, { timeoutMs: 20_000 });
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        /^advertised\.listeners=.*$/m,
        `advertised.listeners=PLAINTEXT://${pod}.${CLUSTER}-kafka-brokers.${NAMESPACE}.svc:9092`,
      ),
    );
    running = { ...running, pids: (await startKafkaAgain(running)).pids };

    const kc = kubeConfigOf(env.kube);
    await ensureNamespace(kc, NAMESPACE);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const labels = { 'strimzi.io/cluster': CLUSTER };
    await custom.createNamespacedCustomObject({
      group: 'kafka.strimzi.io',
      version: 'v1',
      namespace: NAMESPACE,
      plural: 'kafkas',
      body: {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'Kafka',
        metadata: { name: CLUSTER },
        spec: { kafka: { version: '4.1.1', listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }] } },
      },
    });
    await custom.createNamespacedCustomObject({
      group: 'kafka.strimzi.io',
      version: 'v1',
      namespace: NAMESPACE,
      plural: 'kafkanodepools',
      body: {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'KafkaNodePool',
        metadata: { name: 'combined', labels },
        spec: { replicas: 1, roles: ['controller', 'broker'], storage: { type: 'ephemeral' } },
      },
    });
    // The harness plays the Strimzi operator: node ids in the pool status and the broker pod.
    await custom.patchNamespacedCustomObjectStatus({
      group: 'kafka.strimzi.io',
      version: 'v1',
      namespace: NAMESPACE,
      plural: 'kafkanodepools',
      name: 'combined',
      body: [{ op: 'add', path: '/status', value: { nodeIds: [nodeId], replicas: 1 } }],
    });
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: NAMESPACE,
      body: {
        metadata: { name: pod, labels },
        spec: { containers: [{ name: 'kafka', image: 'quay.io/strimzi/kafka:stand-in', ports: [{ containerPort: 9092 }] }] },
      },
    });
    await createPortForwardRule(
      { kubeconfig: env.kube.kubeconfig, context: env.kube.context },
      { namespace: NAMESPACE, podName: pod, port: 9092, targetPort: Number(running.endpoint.brokers.split(':')[1]) },
    );
    await waitFor(
      async () =>
        ((await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: NAMESPACE, name: pod })).status?.conditions ?? []).some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
      'broker pod ready',
    );
    backend = await createBackend({
      transport: 'cli',
      dataDir: join(runDir, 'app'),
      tenant: TENANT,
      kubeTarget: { kubeconfig: env.kube.kubeconfig, context: env.kube.context },
    });
  });
  afterAll(async () => {
    await backend?.close();
    if (running) await stopKafka(running, { timeoutMs: 20_000 }).catch(() => undefined);
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  });

  it('tails and produces with no connection configured, through one forward per broker pod', async () => {
    const cluster = await backend.call('kafka:cluster');
    expect(cluster.brokers).toEqual([
      expect.objectContaining({ nodeId, address: expect.stringContaining(`${CLUSTER}-combined-${nodeId}.`) }),
    ]);
    const forward = (await backend.call('forwards:list')).find((f) => f.id === `kafka-broker-${nodeId}`);
    expect(forward).toMatchObject({ spec: { target: { kind: 'pod', name: `${CLUSTER}-combined-${nodeId}` }, remotePort: 9092 } });
    expect(cluster.brokers[0]!.via).toBe(`127.0.0.1:${forward!.spec.localPort}`);

    const topic = uniqueTopic('discovered');
    await backend.call('kafka:createTopic', { topic, partitions: 2 });
    const received = await tailThroughBackend(
      backend,
      { topic, from: { kind: 'latest' } },
      {
        until: (messages) => messages.length >= 10,
        onStarted: async () => {
          await backend.call('kafka:produce', {
            topic,
            format: 'json',
            messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }), headers: {} })),
          });
        },
      },
    );
    expect(received.messages.map((m) => (JSON.parse(m.value!) as { i: number }).i).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });
});
