// Benchmark: the app's in-process port-forward versus `kubectl port-forward`, same API server, same
// target, same run. Prints ratios (this machine is noisy: compare within one run only).
//   npx tsx scripts/bench/forwards.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { createBackend } from '../../electron/backend.js';
import { kubeConfigOf, serviceBackedBy, waitFor } from '../../tests/support/kube.js';
import { down, freePort, up } from '../test-env/env.js';
import type { KubeEndpoint } from '../test-env/kube/component.js';
import type { ToolsEndpoint } from '../test-env/tools/component.js';

const BIG = 100 * 1024 * 1024;
const REQUESTS = 1000;
const REPLACEMENTS = 20;
const TENANT = 'bench';
const NAMESPACE = `logclaw-${TENANT}`;

const chunk = Buffer.alloc(1024 * 1024, 'x');

function target(): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'Content-Length': BIG });
      let sent = 0;
      const pump = () => {
        while (sent < BIG) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    } else res.end('ok');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function get(port: number, path: string, agent: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: agent ? undefined : false }, (res) => {
      let bytes = 0;
      res.on('data', (data: Buffer) => (bytes += data.length));
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function measure(port: number): Promise<{ mbPerSec: number; medianMs: number; p95Ms: number }> {
  const started = performance.now();
  const bytes = await get(port, '/big', false);
  if (bytes !== BIG) throw new Error(`got ${bytes} of ${BIG} bytes`);
  const mbPerSec = BIG / 1024 / 1024 / ((performance.now() - started) / 1000);
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await get(port, '/small', false);
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return { mbPerSec, medianMs: latencies[Math.floor(REQUESTS / 2)]!, p95Ms: latencies[Math.floor(REQUESTS * 0.95)]! };
}

const stateDir = mkdtempSync(join(tmpdir(), 'logclaw-bench-'));
try {
  const env = (await up(['kube', 'tools'], { stateDir, log: () => undefined })) as { kube: KubeEndpoint; tools: ToolsEndpoint };
  const server = await target();
  await serviceBackedBy(env.kube, {
    namespace: NAMESPACE,
    name: `logclaw-ticketing-agent-${TENANT}`,
    port: 8080,
    realPort: (server.address() as { port: number }).port,
  });

  const dataDir = join(stateDir, 'app');
  const backend = await createBackend({
    transport: 'cli',
    dataDir,
    tenant: TENANT,
    kubeTarget: { kubeconfig: env.kube.kubeconfig },
    forwardTiming: { probeIntervalMs: 100, backoffMs: 50, maxBackoffMs: 500, failAfter: 100, probeTimeoutMs: 2000 },
  });
  const appPort = await freePort();
  await backend.call('forwards:start', { id: 'ticketing', localPort: appPort });
  await waitFor(
    async () => (await backend.call('forwards:list')).find((f) => f.id === 'ticketing')?.state === 'ready',
    'app forward ready',
  );

  const kubectlPort = await freePort();
  const kubectl = spawn(
    env.tools.kubectl,
    ['--kubeconfig', env.kube.kubeconfig, '-n', NAMESPACE, 'port-forward', `svc/logclaw-ticketing-agent-${TENANT}`, `${kubectlPort}:8080`],
    { stdio: 'ignore' },
  );
  await waitFor(async () => (await get(kubectlPort, '/small', false).catch(() => 0)) === 2, 'kubectl port-forward');

  const app = await measure(appPort);
  const cli = await measure(kubectlPort);
  kubectl.kill();

  // Reconnect: delete the pod, time until a request through the forward succeeds on the new pod.
  const core = kubeConfigOf(env.kube).makeApiClient(CoreV1Api);
  const reconnects: number[] = [];
  for (let i = 0; i < REPLACEMENTS; i++) {
    const before = (await backend.call('forwards:list')).find((f) => f.id === 'ticketing')!.pod!;
    const t = performance.now();
    await core.deleteNamespacedPod({ namespace: NAMESPACE, name: before, gracePeriodSeconds: 0 });
    await waitFor(
      async () => {
        const now = (await backend.call('forwards:list')).find((f) => f.id === 'ticketing')!;
        return now.state === 'ready' && now.pod !== before && (await get(appPort, '/small', false).catch(() => 0)) === 2;
      },
      'reconnect',
      60_000,
    );
    reconnects.push(performance.now() - t);
  }
  reconnects.sort((a, b) => a - b);
  await backend.close();
  server.close();

  const fmt = (n: number) => n.toFixed(1);
  console.log(
    `forward throughput, 100 MB:   app ${fmt(app.mbPerSec)} MB/s, kubectl ${fmt(cli.mbPerSec)} MB/s → ratio app/kubectl ${(app.mbPerSec / cli.mbPerSec).toFixed(2)}`,
  );
  console.log(
    `1 000 small requests, median: app ${fmt(app.medianMs)} ms, kubectl ${fmt(cli.medianMs)} ms → ratio app/kubectl ${(app.medianMs / cli.medianMs).toFixed(2)} (p95 app ${fmt(app.p95Ms)} ms, kubectl ${fmt(cli.p95Ms)} ms)`,
  );
  console.log(
    `reconnect after pod replacement, ${REPLACEMENTS} runs: median ${fmt(reconnects[REPLACEMENTS / 2]!)} ms, max ${fmt(reconnects.at(-1)!)} ms`,
  );
} finally {
  await down({ stateDir, log: () => undefined });
  rmSync(stateDir, { recursive: true, force: true });
}
