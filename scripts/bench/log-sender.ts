// Benchmark: the log generator's throughput (events/s, bytes/s) into a loopback Vector stand-in,
// against wrk (Debian's) POSTing the same NDJSON body to the same receiver, in the same run.
//
//   npx tsx scripts/bench/log-sender.ts [--seconds 8] [--batch 100] [--connections 8]
//
// The receiver (tests/fakes/vector-receiver.ts, no sinks: it decodes, stamps and counts every event)
// runs in its own process, so neither client shares an event loop with it. "Ours" is the real path:
// a backend's logs:generatorStart at a rate no receiver reaches (200 000 events/s), NDJSON batches of
// --batch events, --connections requests in flight, stopped after --seconds; counted as accepted
// events over the elapsed time. wrk: `wrk -t1 -c<connections> -d<seconds>s -s post.lua`, events/s =
// 2xx requests/s × events per body.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { createBackend } from '../../electron/backend.js';
import { formatBytes, formatCount } from '#contract/format.js';
import { eventFactory } from '../../electron/services/logs/events.js';
import { sourceRoot } from '../../electron/services/paths.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    batch: { type: 'string', default: '100' },
    connections: { type: 'string', default: '8' },
  },
});
const SECONDS = Number(values.seconds);
const BATCH = Number(values.batch);
const CONNECTIONS = Number(values.connections);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function startReceiver(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(sourceRoot(), 'tests', 'fakes', 'vector-receiver.ts'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}: ${out}`)));
  });
  return { url, child };
}

async function ours(url: string, dataDir: string): Promise<{ eventsPerS: number; bytesPerS: number; accepted: number; failed: number }> {
  const backend = await createBackend({ transport: 'cli', dataDir, env: {} });
  try {
    const run = await backend.call('logs:generatorStart', {
      vectorUrl: url,
      rate: 200_000,
      durationS: 300,
      batchSize: BATCH,
      format: 'ndjson',
      maxInFlight: CONNECTIONS,
    });
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const final = await backend.call('logs:generatorStop', { id: run.id });
    const seconds = final.elapsedMs / 1000;
    return {
      eventsPerS: final.accepted / seconds,
      bytesPerS: (final.bytes * (final.accepted / Math.max(1, final.sent))) / seconds,
      accepted: final.accepted,
      failed: final.failed - (final.failedByReason.stopped ?? 0),
    };
  } finally {
    await backend.close();
  }
}

async function wrk(url: string, dir: string): Promise<{ eventsPerS: number; bytesPerS: number; requestsPerS: number; non2xx: number }> {
  const factory = eventFactory(
    {
      template: {},
      levels: { INFO: 70, WARN: 15, ERROR: 10, DEBUG: 5 },
      services: { 'payment-api': 4, checkout: 3, auth: 2, inventory: 1 },
      errorBurst: null,
    },
    'wrkbench',
  );
  const body = Array.from({ length: BATCH }, (_, i) => JSON.stringify(factory.make(i, 0, Date.now()))).join('\n') + '\n';
  const bodyFile = join(dir, 'body.ndjson');
  await writeFile(bodyFile, body);
  const script = join(dir, 'post.lua');
  await writeFile(
    script,
    `local f = io.open(${JSON.stringify(bodyFile)}, "rb")\nwrk.method = "POST"\nwrk.body = f:read("*all")\nf:close()\nwrk.headers["Content-Type"] = "application/x-ndjson"\n`,
  );
  const result = await execa('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', script, url], { reject: false });
  if (result.exitCode !== 0) throw new Error(`wrk failed: ${result.stderr || result.stdout}`);
  const requests = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(result.stdout)?.[1] ?? 0);
  const duration = /(\d+) requests in ([\d.]+)(m?s)/.exec(result.stdout);
  const seconds = duration ? Number(duration[2]) / (duration[3] === 'ms' ? 1000 : 1) : SECONDS;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(result.stdout)?.[1] ?? 0);
  const ok = requests - non2xx;
  return {
    eventsPerS: (ok * BATCH) / seconds,
    bytesPerS: (ok * Buffer.byteLength(body)) / seconds,
    requestsPerS: requests / seconds,
    non2xx,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'logclaw-bench-logs-'));
const receiver = await startReceiver();
try {
  log(
    `receiver ${receiver.url}; ${SECONDS} s each, NDJSON batches of ${BATCH}, ${CONNECTIONS} connections; ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(1)}`,
  );
  // Warm both paths (JIT, sockets) before measuring.
  await ours(receiver.url, join(dir, 'warm')).catch(() => undefined);
  const w = await wrk(receiver.url, dir);
  const o = await ours(receiver.url, join(dir, 'data'));
  console.log(
    `wrk:  ${formatCount(w.eventsPerS)} events/s, ${formatBytes(w.bytesPerS)}/s (${formatCount(w.requestsPerS)} req/s, non-2xx ${w.non2xx})`,
  );
  console.log(
    `ours: ${formatCount(o.eventsPerS)} events/s, ${formatBytes(o.bytesPerS)}/s (accepted ${formatCount(o.accepted)}, failed ${o.failed})`,
  );
  console.log(`ratio ours/wrk: ${(o.eventsPerS / w.eventsPerS).toFixed(2)} (events/s)`);
} finally {
  receiver.child.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
