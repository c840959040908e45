// An HTTPS front for the test OpenSearch (which runs without its security plugin) that demands
// basic auth, like the stack's operator-managed cluster: a self-signed certificate for 127.0.0.1
// made with openssl, and every request forwarded to the plain-HTTP node.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsProxy {
  url: string;
  caFile: string;
  /** Authorization headers seen (to prove what the client sent). */
  seen: string[];
  close(): Promise<void>;
}

export async function startTlsProxy(upstream: string, username: string, password: string): Promise<TlsProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'logclaw-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const seen: string[] = [];
  const target = new URL(upstream);
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    seen.push(req.headers.authorization ?? '');
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Basic realm="OpenSearch Security"' });
      res.end(
        JSON.stringify({
          error: {
            root_cause: [{ type: 'security_exception', reason: 'Unauthorized' }],
            type: 'security_exception',
            reason: 'Unauthorized',
          },
          status: 401,
        }),
      );
      return;
    }
    const headers = { ...req.headers, host: target.host };
    delete headers.authorization;
    const upstreamRequest = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(res);
      },
    );
    upstreamRequest.on('error', (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: cert,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
