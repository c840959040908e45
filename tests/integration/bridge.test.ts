import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Backend, createBackend } from '../../electron/backend.js';
import { type Bridge, startBridge } from '../../electron/server/bridge-server.js';
import { useTempDir } from '../support/temp.js';

const tempDir = useTempDir('logclaw-bridge-');

describe('loopback bridge', () => {
  let backend: Backend;
  let bridge: Bridge;
  let base: string;

  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'logclaw-bridge-'));
    const staticDir = join(dataDir, 'ui');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>LogClaw</title>');
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dataDir, 'secret.txt'), 'do not serve');
    backend = await createBackend({ transport: 'http', dataDir });
    bridge = await startBridge({ backend, staticDir });
    base = `http://127.0.0.1:${bridge.port}`;
  });
  afterAll(async () => {
    await bridge.close();
    await backend.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  type EnvelopeJson = { ok: boolean; value?: Record<string, unknown>; error: { code: string; message: string } };
  const json = (response: Response) => response.json() as Promise<EnvelopeJson>;
  const invoke = (channel: string, body: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/invoke/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${bridge.token}`, ...headers }, body });

  it('prints a loopback URL with a random token', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const other = await startBridge({ backend, staticDir: tempDir() });
    expect(other.token).not.toBe(bridge.token);
    await other.close();
  });

  it('answers a valid call with the envelope', async () => {
    const response = await invoke('app:info', '{}');
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ ok: true, value: { transport: 'http', notices: [] } });
  });

  it('refuses a missing or wrong token with 401', async () => {
    const missing = await fetch(`${base}/api/invoke/app:info`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(401);
    expect(await json(missing)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: 'Missing token' } });
    const wrong = await invoke('app:info', '{}', { Authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error.message).toBe('Wrong token');
    expect((await fetch(`${base}/api/anything`)).status).toBe(401);
  });

  it('refuses a foreign Origin and a non-loopback Host with 403, even with the right token', async () => {
    const origin = await invoke('app:info', '{}', { Origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    expect((await json(origin)).error.code).toBe('FORBIDDEN');
    expect((await invoke('app:info', '{}', { Origin: 'null' })).status).toBe(403);
    expect((await invoke('app:info', '{}', { Origin: `http://127.0.0.1:${bridge.port}` })).status).toBe(200);
    // DNS rebinding: the attacker's name resolves to 127.0.0.1 but the Host header keeps the name.
    const rebinding = await rawRequest(
      bridge.port,
      `POST /api/invoke/app:info HTTP/1.1\r\nHost: evil.example:${bridge.port}\r\nAuthorization: Bearer ${bridge.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expect(rebinding).toMatch(/^HTTP\/1\.1 403/);
    const localhost = await rawRequest(
      bridge.port,
      `POST /api/invoke/app:info HTTP/1.1\r\nHost: localhost:${bridge.port}\r\nAuthorization: Bearer ${bridge.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expect(localhost).toMatch(/^HTTP\/1\.1 200/);
  });

  it('answers malformed JSON, invalid payloads and unknown channels with coded errors and stays up', async () => {
    const malformed = await invoke('settings:update', '{"theme": ');
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error.code).toBe('INVALID_REQUEST');
    const invalid = await invoke('settings:update', JSON.stringify({ theme: 'neon' }));
    expect(invalid.status).toBe(400);
    const body = await json(invalid);
    expect(body.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('theme') });
    const unknown = await invoke('nope:never', '{}');
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe('UNKNOWN_CHANNEL');
    expect((await fetch(`${base}/api/invoke/app:info`, { headers: { Authorization: `Bearer ${bridge.token}` } })).status).toBe(405);
    expect((await invoke('app:info', '{}')).status).toBe(200);
  });

  it('pushes events over the WebSocket only with the token and a local origin', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/api/events?token=${bridge.token}`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const received = new Promise<{ event: string; payload: { theme: string } }>((resolve) =>
      socket.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    await invoke('settings:update', JSON.stringify({ theme: 'dark' }));
    expect(await received).toMatchObject({ event: 'settings:changed', payload: { theme: 'dark' } });
    socket.close();

    const statusOf = (url: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
      });
    expect(await statusOf(`ws://127.0.0.1:${bridge.port}/api/events`)).toBe(401);
    expect(await statusOf(`ws://127.0.0.1:${bridge.port}/api/events?token=wrong`)).toBe(401);
    expect(await statusOf(`ws://127.0.0.1:${bridge.port}/api/events?token=${bridge.token}`, { Origin: 'https://evil.example' })).toBe(403);
  });

  it('serves the UI with a CSP, falls back to the shell for routes and never leaves its folder', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${base}/kafka`)).status).toBe(200);
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    const traversal = await rawRequest(
      bridge.port,
      `GET /../secret.txt HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(traversal).not.toContain('do not serve');
    const encoded = await fetch(`${base}/%2e%2e/secret.txt`);
    expect(await encoded.text()).not.toContain('do not serve');
  });
});

/** Sends bytes as-is, so Host and paths are not normalised by a client library. */
async function rawRequest(port: number, text: string): Promise<string> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}
