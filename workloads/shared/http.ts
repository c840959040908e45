// The HTTP face every workload of the stack has: /health for the kubelet's probes and the app's
// forwards, /metrics for Prometheus and the pipeline map, plus the workload's own GET routes.
import { type Server, createServer } from 'node:http';
import type { Metrics } from './metrics.js';

export interface Health {
  ok: boolean;
  /** Shown as the body of /health: what the workload is doing, and why it is not ok. */
  detail: Record<string, unknown>;
}

export type Route = (url: URL) => Promise<unknown> | unknown;

export interface WorkloadServer {
  port: number;
  close(): Promise<void>;
}

export async function serveWorkload(options: {
  port: number;
  host?: string;
  health: () => Health;
  metrics: Metrics;
  routes?: Record<string, Route>;
}): Promise<WorkloadServer> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://workload');
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET') return send(405, 'text/plain', 'only GET is served here\n');
    if (url.pathname === '/health') {
      const health = options.health();
      return send(health.ok ? 200 : 503, 'application/json', JSON.stringify({ status: health.ok ? 'ok' : 'unhealthy', ...health.detail }));
    }
    if (url.pathname === '/metrics') return send(200, 'text/plain; version=0.0.4', options.metrics.render());
    const route = options.routes?.[url.pathname];
    if (!route) return send(404, 'text/plain', `no route ${url.pathname}\n`);
    Promise.resolve()
      .then(() => route(url))
      .then(
        (body) => send(200, 'application/json', JSON.stringify(body)),
        (error: unknown) =>
          send(500, 'application/json', JSON.stringify({ error: error instanceof Error ? error.message : String(error) })),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
