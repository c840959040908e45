// Benchmark: live-tail throughput delivered to the UI bridge, against kcat reading the same topic in
// the same run. Prints both rates, their ratio and peak RSS.
//
//   npx tsx scripts/bench/kafka-tail.ts [--messages 200000] [--size 1024] [--partitions 3] [--brokers host:port]
//
// Without --brokers it starts the project's test-env Kafka in a private state folder and stops it
// at the end. "Ours" is the real path of the browser UI: `logclaw serve` (a separate process), the
// tail started over HTTP, batches received on the event WebSocket and acknowledged over HTTP, as the
// renderer does (binary batch frames decoded into message objects). kcat runs as
// `kcat -C -b <brokers> -t <topic> -o beginning -e -q`.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import WebSocket from 'ws';
import { formatBytes, formatCount } from '#contract/format.js';
import { decodeTailFrame } from '#contract/tail-frame.js';
import { sourceRoot } from '../../electron/services/paths.js';
import { down, up } from '../test-env/env.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    size: { type: 'string', default: '1024' },
    partitions: { type: 'string', default: '3' },
    brokers: { type: 'string' },
  },
});
const COUNT = Number(values.messages);
const SIZE = Number(values.size);
const PARTITIONS = Number(values.partitions);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Peak resident memory of a live process (Linux): VmHWM, else the largest VmRSS seen. */
function procMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far (Linux). */
function procCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function watchPeak(pid: number): () => number {
  let peak = 0;
  const sample = () => {
    const memory = procMemory(pid);
    if (memory) peak = Math.max(peak, memory.hwm, memory.rss);
  };
  sample();
  const timer = setInterval(sample, 20);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

/** One JSON document of about SIZE bytes, like a log line after Vector. */
function payload(i: number): string {
  const base = {
    '@timestamp': new Date(1_735_689_600_000 + i).toISOString(),
    level: i % 20 === 0 ? 'error' : 'info',
    service: `svc-${i % 12}`,
    pod: `pod-${i % 40}`,
    i,
    message: '',
  };
  const fill = SIZE - JSON.stringify(base).length;
  base.message = 'x'.repeat(Math.max(0, fill));
  return JSON.stringify(base);
}

async function produce(brokers: string, topic: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'logclaw-bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const perSend = Math.max(1, Math.floor((900 * 1024) / (SIZE + 80)));
  const pending: Array<Promise<unknown>> = [];
  for (let start = 0, n = 0; start < COUNT; start += perSend, n++) {
    const messages = Array.from({ length: Math.min(perSend, COUNT - start) }, (_, j) => ({ value: payload(start + j) }));
    pending.push(producer.send({ topic, acks: 1, messages: messages.map((m) => ({ ...m, partition: n % PARTITIONS })) }));
    if (pending.length >= 6) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await producer.disconnect();
}

async function runKcat(brokers: string, topic: string): Promise<{ seconds: number; count: number; peakRss: number }> {
  const started = performance.now();
  const child = spawn('kcat', ['-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-e', '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stopWatch = watchPeak(child.pid!);
  let count = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  const peakRss = stopWatch();
  if (code !== 0) throw new Error(`kcat exited with ${code}: ${stderr}`);
  return { seconds, count, peakRss };
}

async function startServe(brokers: string, home: string): Promise<{ child: ChildProcess; url: URL }> {
  const child = spawn(process.execPath, [join(sourceRoot(), 'bin', 'logclaw.mjs'), 'serve', '--json'], {
    env: { ...process.env, LOGCLAW_HOME: home, LOGCLAW_KAFKA_BROKERS: brokers },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`logclaw serve printed nothing in 60 s: ${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const line = output.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
      if (!line) return;
      clearTimeout(timer);
      const printed = JSON.parse(line) as { url?: string; error?: { message: string } };
      if (printed.url) resolve(new URL(printed.url));
      else reject(new Error(`logclaw serve failed: ${printed.error?.message ?? line}`));
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`logclaw serve exited with ${code}: ${output}`)));
  });
  return { child, url };
}

async function runOurs(
  brokers: string,
  topic: string,
): Promise<{
  seconds: number;
  count: number;
  events: number;
  peakRss: number;
  idleRss: number;
  peakHeld: number;
  backendCpu: number;
  clientCpu: number;
}> {
  const home = await mkdtemp(join(tmpdir(), 'logclaw-bench-'));
  const { child, url } = await startServe(brokers, home);
  try {
    const token = url.searchParams.get('token')!;
    const base = `http://${url.host}`;
    const invoke = async (channel: string, body: unknown) => {
      const response = await fetch(`${base}/api/invoke/${channel}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const envelope = (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
      if (!envelope.ok) throw new Error(`${channel}: ${envelope.error?.code} ${envelope.error?.message}`);
      return envelope.value as Record<string, unknown>;
    };
    // Warm the backend's Kafka client (connection, metadata) like an open pane would have.
    await invoke('kafka:listTopics', {});
    const idleRss = procMemory(child.pid!)?.rss ?? 0;
    const stopWatch = watchPeak(child.pid!);
    const cpuBefore = procCpuSeconds(child.pid!);
    const clientCpuBefore = process.cpuUsage();
    const socket = new WebSocket(`ws://${url.host}/api/events?token=${token}`, { headers: { Origin: base } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const tailId = `bench-${Date.now()}`;
    let count = 0;
    let events = 0;
    let peakHeld = 0;
    const started = performance.now();
    const finished = new Promise<void>((resolve, reject) => {
      socket.on('message', (data: Buffer, isBinary) => {
        // Decoded to message objects as the renderer's bridge does (binary tail frames, JSON for the rest).
        if (isBinary) {
          const batch = decodeTailFrame(data);
          if (batch.tailId !== tailId) return;
          count += batch.messages.length;
          events++;
          void invoke('kafka:tailAck', { tailId, seq: batch.seq }).catch(reject);
          return;
        }
        const { event, payload } = JSON.parse(String(data)) as {
          event: string;
          payload: { tailId: string; state: string; peakHeld: number; reason: string };
        };
        if (payload.tailId !== tailId) return;
        if (event === 'kafka:tailStatus') {
          peakHeld = Math.max(peakHeld, payload.peakHeld);
          if (payload.state === 'ended') resolve();
          if (payload.state === 'failed' || payload.state === 'stopped') reject(new Error(`tail ${payload.state}: ${payload.reason}`));
        }
      });
    });
    await invoke('kafka:tailStart', { tailId, topic, from: { kind: 'earliest' }, until: 'end' });
    await finished;
    const seconds = (performance.now() - started) / 1000;
    const peakRss = stopWatch();
    const backendCpu = procCpuSeconds(child.pid!) - cpuBefore;
    const clientUsage = process.cpuUsage(clientCpuBefore);
    socket.close();
    return { seconds, count, events, peakRss, idleRss, peakHeld, backendCpu, clientCpu: (clientUsage.user + clientUsage.system) / 1e6 };
  } finally {
    child.kill('SIGTERM');
    await rm(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let brokers = values.brokers;
  let stateDir: string | null = null;
  if (!brokers) {
    stateDir = await mkdtemp(join(tmpdir(), 'logclaw-bench-env-'));
    const endpoints = (await up(['kafka'], { stateDir, log })) as { kafka: { brokers: string } };
    brokers = endpoints.kafka.brokers;
  }
  try {
    const topic = `bench-tail-${Date.now().toString(36)}`;
    log(`producing ${COUNT} × ${SIZE} B JSON messages to ${topic} (${PARTITIONS} partitions) on ${brokers}…`);
    const t0 = performance.now();
    await produce(brokers, topic);
    log(`produced in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const kcat = await runKcat(brokers, topic);
    if (kcat.count !== COUNT) throw new Error(`kcat read ${kcat.count} messages, expected ${COUNT}`);
    const ours = await runOurs(brokers, topic);
    if (ours.count !== COUNT) throw new Error(`the tail delivered ${ours.count} messages, expected ${COUNT}`);

    const kcatRate = kcat.count / kcat.seconds;
    const ourRate = ours.count / ours.seconds;
    const lines = [
      `kafka tail benchmark: ${formatCount(COUNT)} messages × ${SIZE} B JSON, ${PARTITIONS} partitions`,
      `  kcat -C -o beginning -e     ${kcat.seconds.toFixed(2)} s  ${formatCount(kcatRate).padStart(9)} msg/s  peak RSS ${formatBytes(kcat.peakRss)}`,
      `  logclaw tail → UI bridge    ${ours.seconds.toFixed(2)} s  ${formatCount(ourRate).padStart(9)} msg/s  backend peak RSS ${formatBytes(ours.peakRss)} (idle ${formatBytes(ours.idleRss)}), ${formatCount(ours.events)} events, backend held ≤ ${formatCount(ours.peakHeld)} messages`,
      `                              CPU: backend ${ours.backendCpu.toFixed(2)} s, UI-side client (parse + ack) ${ours.clientCpu.toFixed(2)} s; machine load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
      `  ratio logclaw/kcat = ${(ourRate / kcatRate).toFixed(2)}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    process.stdout.write(
      JSON.stringify({
        benchmark: 'kafka-tail',
        messages: COUNT,
        sizeBytes: SIZE,
        kcat: { seconds: kcat.seconds, rate: kcatRate, peakRssBytes: kcat.peakRss },
        logclaw: {
          seconds: ours.seconds,
          rate: ourRate,
          peakRssBytes: ours.peakRss,
          idleRssBytes: ours.idleRss,
          events: ours.events,
          peakHeld: ours.peakHeld,
          backendCpuSeconds: ours.backendCpu,
          clientCpuSeconds: ours.clientCpu,
        },
        load: loadavg()[0],
        ratio: ourRate / kcatRate,
      }) + '\n',
    );
  } finally {
    if (stateDir) {
      await down({ stateDir, log });
      await rm(stateDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
