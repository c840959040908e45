// Benchmark: the app's in-process port-forward versus `kubectl port-forward`, same API server, same
// target, same run. Prints ratios (this machine is noisy: compare within one run only), each the
// median of ROUNDS rounds that alternate app and kubectl, with the load average.
//   npx tsx scripts/bench/forwards.ts        (PARALLEL_SECONDS=30 ROUNDS=3 by default)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, type Server, createServer, request } from 'node:http';
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
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PARALLEL_SECONDS = Number(process.env.PARALLEL_SECONDS ?? 30);
const CLIENTS = 8;
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

function get(port: number, path: string, agent: Agent | false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let bytes = 0;
      res.on('data', (data: Buffer) => (bytes += data.length));
      res.on('end', () => resolve(bytes));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

interface Figures {
  mbPerSec: number;
  medianMs: number;
  p95Ms: number;
  reqPerSec: number;
}

async function measure(port: number): Promise<Figures> {
  const started = performance.now();
  const bytes = await get(port, '/big', false);
  if (bytes !== BIG) throw new Error(`got ${bytes} of ${BIG} bytes`);
  const mbPerSec = BIG / 1024 / 1024 / ((performance.now() - started) / 1000);
  // New connections: one TCP connection (so one tunnel) per request.
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await get(port, '/small', false);
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  // 8 clients, each on its own kept-alive connection, for PARALLEL_SECONDS.
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const until = performance.now() + PARALLEL_SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        await get(port, '/small', agent);
        done++;
      }
    }),
  );
  agent.destroy();
  return {
    mbPerSec,
    medianMs: latencies[Math.floor(REQUESTS / 2)]!,
    p95Ms: latencies[Math.floor(REQUESTS * 0.95)]!,
    reqPerSec: done / PARALLEL_SECONDS,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

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

  const status = async () => (await backend.call('forwards:list')).find((f) => f.id === 'ticketing')!;
  const rounds: { app: Figures; cli: Figures; upgrades: number; load: string }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sessionsBefore = (await status()).transport.sessions;
    const app = await measure(appPort);
    const transport = (await status()).transport;
    // One WebSocket upgrade per SPDY session; the fallback makes one per connection.
    const upgrades = transport.kind === 'spdy' ? transport.sessions - sessionsBefore : Number.NaN;
    const cli = await measure(kubectlPort);
    rounds.push({ app, cli, upgrades, load: load() });
    console.log(
      `round ${round + 1}: app ${JSON.stringify(app)} kubectl ${JSON.stringify(cli)} upgrades ${upgrades} (${transport.kind}), load ${rounds.at(-1)!.load}`,
    );
  }
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
  const ratio = (pick: (f: Figures) => number) => median(rounds.map((r) => pick(r.app) / pick(r.cli))).toFixed(2);
  const both = (pick: (f: Figures) => number) =>
    `app ${fmt(median(rounds.map((r) => pick(r.app))))}, kubectl ${fmt(median(rounds.map((r) => pick(r.cli))))}`;
  console.log(`medians of ${ROUNDS} rounds; load averages per round: ${rounds.map((r) => r.load).join(' | ')}`);
  console.log(`new connections, median latency: ${both((f) => f.medianMs)} ms → app/kubectl ${ratio((f) => f.medianMs)}`);
  console.log(`new connections, p95 latency:    ${both((f) => f.p95Ms)} ms → app/kubectl ${ratio((f) => f.p95Ms)}`);
  console.log(`100 MB through one forward:      ${both((f) => f.mbPerSec)} MB/s → app/kubectl ${ratio((f) => f.mbPerSec)}`);
  console.log(
    `${CLIENTS} parallel clients, ${PARALLEL_SECONDS} s:      ${both((f) => f.reqPerSec)} req/s → app/kubectl ${ratio((f) => f.reqPerSec)}`,
  );
  console.log(
    `WebSocket upgrades per ${REQUESTS} new connections (+ probes): app ${median(rounds.map((r) => r.upgrades))} per round (kubectl: 1 per forward)`,
  );
  console.log(
    `reconnect after pod replacement, ${REPLACEMENTS} runs: median ${fmt(reconnects[REPLACEMENTS / 2]!)} ms, max ${fmt(reconnects.at(-1)!)} ms`,
  );
} finally {
  await down({ stateDir, log: () => undefined });
  rmSync(stateDir, { recursive: true, force: true });
}
