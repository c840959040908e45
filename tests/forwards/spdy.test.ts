// The default transport, one multiplexed SPDY/3.1 session per forward, against the test
// environment's real kube-apiserver (kwok forwards the pod port to a real server on this machine).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import type { ForwardStatus } from '#contract/index.js';
import { freePort } from '../../scripts/test-env/env.js';
import { kubeConfigOf, serviceBackedBy, waitFor } from '../support/kube.js';
import { type EndpointTypes, useTestEnv } from '../support/test-env.js';

const TENANT = `sp${Date.now().toString(36).slice(-5)}`;
const NAMESPACE = `logclaw-${TENANT}`;
const BIG = 48 * 1024 * 1024;

/** Deterministic bytes for a seed, so both ends can check a body without keeping it. */
function pattern(seed: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil(size / 4) * 4);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < out.length; i += 4) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.writeUInt32LE(x, i);
  }
  return out.subarray(0, size);
}
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('multiplexed port-forward (SPDY/3.1 over one WebSocket)', () => {
  let env: Pick<EndpointTypes, 'kube'>;
  let backend: Backend;
  let dataDir: string;
  let target: Server;
  let localPort: number;
  const bigDownload = pattern(7, BIG);

  beforeAll(async () => {
    env = await useTestEnv('kube');
    target = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/echo') {
        // A body of its own per request: a mixed-up stream shows as a wrong body.
        const n = Number(url.searchParams.get('n'));
        return res.end(pattern(n, 1024 + ((n * 977) % 60_000)));
      }
      if (url.pathname === '/download') return res.writeHead(200, { 'Content-Length': BIG }).end(bigDownload);
      if (url.pathname === '/upload') {
        const hash = createHash('sha256');
        let bytes = 0;
        req.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          hash.update(chunk);
        });
        return req.on('end', () => res.end(JSON.stringify({ bytes, sha: hash.digest('hex') })));
      }
      res.end('ok');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    await serviceBackedBy(env.kube, {
      namespace: NAMESPACE,
      name: `logclaw-ticketing-agent-${TENANT}`,
      port: 8080,
      realPort: (target.address() as { port: number }).port,
    });
    dataDir = mkdtempSync(join(tmpdir(), 'logclaw-spdy-'));
    backend = await createBackend({
      transport: 'cli',
      dataDir,
      tenant: TENANT,
      kubeTarget: { kubeconfig: env.kube.kubeconfig, context: env.kube.context },
      forwardTiming: { probeIntervalMs: 300, backoffMs: 100, maxBackoffMs: 1000, failAfter: 30, probeTimeoutMs: 2000 },
    });
    localPort = await freePort();
    await backend.call('forwards:start', { id: 'ticketing', localPort });
    await waitFor(async () => (await status()).state === 'ready', 'ticketing ready').catch(async (error: Error) => {
      const last = await status();
      throw new Error(`${error.message}; last: ${last.state} (${last.reason}), transport ${JSON.stringify(last.transport)}`);
    });
  });
  afterAll(async () => {
    await backend?.close();
    target?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const status = async (): Promise<ForwardStatus> => (await backend.call('forwards:list')).find((f) => f.id === 'ticketing')!;

  function call(method: string, path: string, body?: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: localPort, path, method, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('carries 200 parallel connections through one session, every body intact', async () => {
    const before = await status();
    expect(before.transport).toMatchObject({ mode: 'auto', kind: 'spdy', sessions: 1 });
    const bodies = await Promise.all(Array.from({ length: 200 }, (_, n) => call('GET', `/echo?n=${n}`)));
    bodies.forEach((body, n) => expect(sha(body), `body ${n}`).toBe(sha(pattern(n, 1024 + ((n * 977) % 60_000)))));
    const after = await status();
    expect(after.transport).toMatchObject({ kind: 'spdy', sessions: 1 });
    expect(after.connections - before.connections).toBeGreaterThanOrEqual(200);
  });

  it('uploads and downloads large bodies at once', async () => {
    const upload = pattern(11, BIG);
    const [uploaded, downloaded] = await Promise.all([call('POST', '/upload', upload), call('GET', '/download')]);
    expect(JSON.parse(uploaded.toString())).toEqual({ bytes: BIG, sha: sha(upload) });
    expect(downloaded.length).toBe(BIG);
    expect(sha(downloaded)).toBe(sha(bigDownload));
    expect((await status()).transport).toMatchObject({ kind: 'spdy', sessions: 1 });
  });

  it('follows a replaced pod with a new session', async () => {
    const before = await status();
    const core = kubeConfigOf(env.kube).makeApiClient(CoreV1Api);
    await core.deleteNamespacedPod({ namespace: NAMESPACE, name: before.pod!, gracePeriodSeconds: 0 });
    await waitFor(async () => {
      const now = await status();
      return now.state === 'ready' && now.pod !== before.pod;
    }, 'ready on a new pod');
    const body = await call('GET', '/echo?n=5');
    expect(sha(body)).toBe(sha(pattern(5, 1024 + ((5 * 977) % 60_000))));
    const after = await status();
    expect(after.history.map((change) => change.state)).toContain('reconnecting');
    expect(after.transport.kind).toBe('spdy');
    expect(after.transport.sessions).toBe(before.transport.sessions + 1);
  });
});
