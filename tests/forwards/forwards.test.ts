// Port-forwards against a real kube-apiserver: kwok makes the pods Ready and forwards their ports
// to real servers on this machine (a small HTTP server and the test OpenSearch).
import { type Server, createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import type { ForwardStatus } from '#contract/index.js';
import { freePort } from '../../scripts/test-env/env.js';
import { kubeConfigOf, serviceBackedBy, waitFor } from '../support/kube.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';

const TENANT = `fw${Date.now().toString(36).slice(-5)}`;
const NAMESPACE = `logclaw-${TENANT}`;

describe('port-forward manager', () => {
  let env: Pick<EndpointTypes, 'kube' | 'opensearch'>;
  let backend: Backend;
  let dataDir: string;
  let feast: Server;
  let sick: Server;
  const events: ForwardStatus[] = [];

  beforeAll(async () => {
    env = await useTestEnv('kube', 'opensearch');
    feast = await httpServer((req, res) => res.end(JSON.stringify({ feast: 'ok', path: req.url })));
    sick = await httpServer((_req, res) => res.writeHead(503).end('unavailable'));
    await serviceBackedBy(env.kube, {
      namespace: NAMESPACE,
      name: `logclaw-opensearch-${TENANT}`,
      port: 9200,
      realPort: Number(new URL(env.opensearch.url).port),
    });
    await serviceBackedBy(env.kube, {
      namespace: NAMESPACE,
      name: `logclaw-ml-engine-${TENANT}-feast-server`,
      port: 6567,
      realPort: port(feast),
    });
    await serviceBackedBy(env.kube, { namespace: NAMESPACE, name: 'sick', port: 7000, realPort: port(sick) });
    dataDir = mkdtempSync(join(tmpdir(), 'logclaw-forwards-'));
    backend = await createBackend({
      transport: 'cli',
      dataDir,
      kubeTarget: { kubeconfig: env.kube.kubeconfig, context: env.kube.context },
      forwardTiming: { probeIntervalMs: 300, backoffMs: 100, maxBackoffMs: 1000, failAfter: 30, probeTimeoutMs: 2000 },
    });
    await backend.call('settings:update', { tenant: TENANT });
    backend.bus.on('forward:changed', (status) => events.push(status));
  });
  afterAll(async () => {
    await backend?.close();
    feast?.close();
    sick?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const waitState = async (id: string, state: ForwardStatus['state'], timeoutMs = 30_000) => {
    let last: ForwardStatus | undefined;
    await waitFor(
      async () => (last = (await backend.call('forwards:list')).find((f) => f.id === id))?.state === state,
      `${id} ${state}`,
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last: ${last?.state} (${last?.reason}), probe ${JSON.stringify(last?.lastProbe)}`);
    });
  };

  it('lists the stack services of the tenant with the seed ports and kubectl commands', async () => {
    const list = await backend.call('forwards:list');
    expect(list.map((f) => [f.id, f.spec.localPort])).toEqual([
      ['airflow', 8080],
      ['opensearch', 9200],
      ['kafka', 9092],
      ['vector', 18080],
      ['vector-admin', 8686],
      ['vector-metrics', 9598],
      ['feast', 6567],
      ['ticketing', 18081],
    ]);
    expect(list.find((f) => f.id === 'opensearch')!.command).toBe(
      `kubectl -n ${NAMESPACE} port-forward svc/logclaw-opensearch-${TENANT} 9200:9200`,
    );
    expect(list.every((f) => f.state === 'stopped')).toBe(true);
  });

  it('reaches the real OpenSearch and a real HTTP server through services, and counts traffic', async () => {
    const osPort = await freePort();
    await backend.call('forwards:start', { id: 'opensearch', localPort: osPort });
    await waitState('opensearch', 'ready');
    const health = (await (await fetch(`http://127.0.0.1:${osPort}/_cluster/health`)).json()) as { cluster_name: string; status: string };
    const direct = (await (await fetch(`${env.opensearch.url}/_cluster/health`)).json()) as { cluster_name: string };
    expect(health.cluster_name).toBe(direct.cluster_name);
    expect(['green', 'yellow']).toContain(health.status);

    const feastPort = await freePort();
    await backend.call('forwards:start', { id: 'feast', localPort: feastPort });
    await waitState('feast', 'ready');
    expect(await (await fetch(`http://127.0.0.1:${feastPort}/health`)).json()).toEqual({ feast: 'ok', path: '/health' });
    const status = (await backend.call('forwards:list')).find((f) => f.id === 'feast')!;
    expect(status.pod).toMatch(new RegExp(`^logclaw-ml-engine-${TENANT}-feast-server-`));
    expect(status.connections).toBeGreaterThan(0);
    expect(status.bytesIn).toBeGreaterThan(0);
    expect(status.bytesOut).toBeGreaterThan(0);
    expect(status.url).toBe(`http://127.0.0.1:${feastPort}/health`);
    // The chosen port is remembered, and an auto-start forward comes back when the app starts.
    await backend.call('forwards:setAutoStart', { id: 'feast', autoStart: true });
    const cli = await createBackend({ transport: 'cli', dataDir, tenant: TENANT, kubeTarget: { kubeconfig: env.kube.kubeconfig } });
    expect((await cli.call('forwards:list')).find((f) => f.id === 'feast')).toMatchObject({
      spec: { localPort: feastPort },
      autoStart: true,
      state: 'stopped',
    });
    await cli.close();
    await backend.call('forwards:stop', { id: 'feast' });
    const app = await createBackend({ transport: 'http', dataDir, tenant: TENANT, kubeTarget: { kubeconfig: env.kube.kubeconfig } });
    await waitFor(async () => (await app.call('forwards:list')).find((f) => f.id === 'feast')!.state === 'ready', 'auto-started feast');
    expect(await (await fetch(`http://127.0.0.1:${feastPort}/auto`)).json()).toEqual({ feast: 'ok', path: '/auto' });
    await app.close();
    await backend.call('forwards:setAutoStart', { id: 'feast', autoStart: false });
    await backend.call('forwards:start', { id: 'feast' });
    await waitState('feast', 'ready');
  });

  it("lets Search reach the stack's OpenSearch through its forward with no connection configured", async () => {
    const cluster = await backend.call('search:cluster', {});
    expect(['green', 'yellow']).toContain(cluster.status);
    const forward = (await backend.call('forwards:list')).find((f) => f.id === 'opensearch')!;
    expect(forward.state).not.toBe('stopped');
  });

  it('follows the service to a new pod after the old one is deleted', async () => {
    const before = (await backend.call('forwards:list')).find((f) => f.id === 'feast')!;
    const core = kubeConfigOf(env.kube).makeApiClient(CoreV1Api);
    const deletedAt = Date.now();
    await core.deleteNamespacedPod({ namespace: NAMESPACE, name: before.pod!, gracePeriodSeconds: 0 });
    await waitFor(async () => {
      const now = (await backend.call('forwards:list')).find((f) => f.id === 'feast')!;
      return now.state === 'ready' && now.pod !== before.pod;
    }, 'feast ready on a new pod');
    const after = (await backend.call('forwards:list')).find((f) => f.id === 'feast')!;
    const states = after.history.filter((change) => change.at >= deletedAt).map((change) => change.state);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('ready');
    expect(states.indexOf('reconnecting')).toBeLessThan(states.lastIndexOf('ready'));
    const response = await fetch(`http://127.0.0.1:${after.spec.localPort}/after`);
    expect(await response.json()).toEqual({ feast: 'ok', path: '/after' });
  });

  it('is degraded, never ready, when the probe fails though TCP connects', async () => {
    const added = await backend.call('forwards:add', {
      namespace: NAMESPACE,
      kind: 'service',
      name: 'sick',
      remotePort: 7000,
      localPort: await freePort(),
      probe: 'http',
      path: '/health',
    });
    await backend.call('forwards:start', { id: added.id });
    await waitState(added.id, 'degraded');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const status = (await backend.call('forwards:list')).find((f) => f.id === added.id)!;
    expect(status.state).toBe('degraded');
    expect(status.reason).toBe('HTTP 503');
    expect(status.history.map((change) => change.state)).not.toContain('ready');
    expect(events.filter((event) => event.id === added.id).some((event) => event.state === 'ready')).toBe(false);
    await backend.call('forwards:remove', { id: added.id });
  });

  it('reports a taken port with its holder and a free one, and start-all starts the rest', async () => {
    await backend.call('forwards:stopAll');
    const holder = createTcpServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
    try {
      const opensearchPort = await freePort();
      await backend.call('forwards:start', { id: 'opensearch', localPort: opensearchPort });
      await backend.call('forwards:stop', { id: 'opensearch' });
      const error = await backend.call('forwards:start', { id: 'opensearch', localPort: taken }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'PORT_IN_USE', detail: { port: taken, owner: { pid: process.pid } } });
      const suggested = (error as { detail: { suggestedPort: number } }).detail.suggestedPort;
      expect(suggested).toBeGreaterThan(taken);
      expect((error as Error).message).toContain(`pid ${process.pid}`);

      // Every stack forward gets a free port except opensearch, which now points at the taken one.
      for (const id of ['airflow', 'kafka', 'vector', 'vector-admin', 'vector-metrics', 'feast', 'ticketing']) {
        await backend.call('forwards:start', { id, localPort: await freePort() });
        await backend.call('forwards:stop', { id });
      }
      const result = await backend.call('forwards:startAll');
      expect(result.failed).toEqual([
        expect.objectContaining({ id: 'opensearch', code: 'PORT_IN_USE', suggestedPort: expect.any(Number) }),
      ]);
      expect(result.started.map((f) => f.id).sort()).toEqual([
        'airflow',
        'feast',
        'kafka',
        'ticketing',
        'vector',
        'vector-admin',
        'vector-metrics',
      ]);
      expect(result.started.every((f) => !f.spec.custom)).toBe(true);
      await backend.call('forwards:start', { id: 'opensearch', localPort: suggested });
      await waitState('opensearch', 'ready');
      // Services that do not exist in this namespace keep retrying instead of pretending to be up.
      const airflow = (await backend.call('forwards:list')).find((f) => f.id === 'airflow')!;
      expect(['starting', 'reconnecting', 'failed']).toContain(airflow.state);
      expect(airflow.reason).toContain('does not exist');
    } finally {
      holder.close();
      await backend.call('forwards:stopAll');
    }
  });
});

function httpServer(handler: Parameters<typeof createHttpServer>[1]): Promise<Server> {
  const server = createHttpServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function port(server: Server): number {
  return (server.address() as { port: number }).port;
}
