// The transport choice against a FAKE API server (no test environment): it serves one Ready pod and
// answers every port-forward upgrade with 400, as an API server without the SPDY tunnel does.
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForwardStatus } from '#contract/index.js';
import { ForwardsService } from '../../electron/services/forwards/forwards-service.js';
import { freePort } from '../../scripts/test-env/env.js';

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', creationTimestamp: '2026-01-01T00:00:00Z' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
};

describe('forward transport choice', () => {
  let fakeApi: Server;
  let dataDir: string;
  const upgrades: string[] = [];

  beforeAll(async () => {
    // FAKE API server: reads of pod/web succeed, every upgrade is refused like a pre-tunnel server.
    fakeApi = createServer((req, res) => {
      if (req.url === '/api/v1/namespaces/shop/pods/web')
        return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(POD));
      res.writeHead(404).end();
    });
    fakeApi.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      upgrades.push(String(req.headers['sec-websocket-protocol']));
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nunable to upgrade: no supported protocol',
      );
    });
    await new Promise<void>((resolve) => fakeApi.listen(0, '127.0.0.1', resolve));
    dataDir = mkdtempSync(join(tmpdir(), 'logclaw-transport-'));
  });
  afterAll(() => {
    fakeApi?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function service(onChange: (status: ForwardStatus) => void = () => undefined): ForwardsService {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${(fakeApi.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'fake', token: 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
      currentContext: 'fake',
    });
    return new ForwardsService({
      dataDir,
      tenant: () => 'fake',
      kubeConfig: () => kc,
      onChange,
      timing: { probeIntervalMs: 60_000, backoffMs: 60_000, maxBackoffMs: 60_000, failAfter: 3, probeTimeoutMs: 2000 },
    });
  }

  it('falls back to one WebSocket per connection when the API server refuses the SPDY tunnel, and says why', async () => {
    let fellBack!: (status: ForwardStatus) => void;
    const fallback = new Promise<ForwardStatus>((resolve) => (fellBack = resolve));
    const forwards = service((status) => status.transport.kind === 'websocket' && fellBack(status));
    await forwards.load();
    const added = await forwards.add({
      namespace: 'shop',
      target: { kind: 'pod', name: 'web' },
      remotePort: 80,
      localPort: await freePort(),
      probe: 'http',
      path: '/',
    });
    expect(added.transport).toEqual({ mode: 'auto', kind: 'spdy', reason: 'multiplexed session (default)', sessions: 0 });
    await forwards.start(added.id);
    // The probe's connection (and this one) meet the refusal; the forward switches for good.
    const client: Socket = connect(added.spec.localPort, '127.0.0.1');
    client.on('error', () => undefined);
    const status = await fallback;
    expect(status.transport).toMatchObject({ mode: 'auto', kind: 'websocket', sessions: 0 });
    expect(status.transport.reason).toBe(
      'fell back to one WebSocket per connection: the API server refused the SPDY tunnel (upgrade refused: HTTP 400 unable to upgrade: no supported protocol)',
    );
    expect(upgrades[0]).toBe('SPDY/3.1+portforward.k8s.io');
    client.destroy();
    await forwards.close();
  });

  it('keeps the transport chosen per forward in its saved settings, and does not fall back from a chosen one', async () => {
    const forwards = service();
    await forwards.load();
    const [custom] = forwards.list().filter((status) => status.spec.custom);
    expect((await forwards.setTransport(custom!.id, 'spdy')).transport.mode).toBe('spdy');
    const reloaded = service();
    await reloaded.load();
    expect(reloaded.status(custom!.id).transport).toEqual({ mode: 'spdy', kind: 'spdy', reason: 'chosen in the settings', sessions: 0 });
    let probed!: (status: ForwardStatus) => void;
    const failed = new Promise<ForwardStatus>((resolve) => (probed = resolve));
    const watching = service((status) => status.lastProbe && probed(status));
    await watching.load();
    await watching.start(custom!.id);
    const status = await failed;
    await watching.close();
    expect(status.transport).toMatchObject({ mode: 'spdy', kind: 'spdy' });
    expect(status.lastProbe?.ok).toBe(false);
    expect((await reloaded.setTransport(custom!.id, 'websocket')).transport).toMatchObject({ mode: 'websocket', kind: 'websocket' });
  });
});
