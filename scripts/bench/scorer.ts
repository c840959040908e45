// Benchmark: how many raw-logs events per second the anomaly scorer (workloads/anomaly-scorer, run
// as the stack runs it: its own process, node + tsx) consumes, on ~1 KB JSON logs like Vector's.
//
//   npx tsx scripts/bench/scorer.ts [--messages 200000] [--size 1024] [--partitions 3] [--services 50] [--brokers host:port]
//
// Without --brokers it starts the project's test-env Kafka in a private state folder and stops it
// at the end. Two figures: the replay on start (the topic already holds --messages events from the
// last minutes; from process start to caught up), and live (the scorer caught up, another
// --messages produced; from the first send to all consumed). Both read the scorer's /health.
// Prints the scorer's CPU seconds and peak RSS, and the machine load; asserts nothing.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { formatBytes, formatCount } from '#contract/format.js';
import { readAnomalies, startScorer, uniqueName } from '../../tests/workloads/scorer-process.js';
import { down, up } from '../test-env/env.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    size: { type: 'string', default: '1024' },
    partitions: { type: 'string', default: '3' },
    services: { type: 'string', default: '50' },
    brokers: { type: 'string' },
  },
});
const COUNT = Number(values.messages);
const SIZE = Number(values.size);
const PARTITIONS = Number(values.partitions);
const SERVICES = Number(values.services);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** A log as Vector writes it to raw-logs, padded to about SIZE bytes; 5 % errors, spread over the last `spanMs`. */
function payload(i: number, now: number, spanMs: number): { key: string; value: string } {
  const service = `svc-${i % SERVICES}`;
  const event = {
    timestamp: new Date(now - spanMs + Math.floor((i / COUNT) * spanMs)).toISOString(),
    ingest_timestamp: new Date(now).toISOString(),
    tenant: 'bench',
    level: i % 20 === 0 ? 'ERROR' : 'INFO',
    service,
    trace_id: `t-${i}`,
    message: '',
  };
  event.message = 'x'.repeat(Math.max(0, SIZE - JSON.stringify(event).length));
  return { key: service, value: JSON.stringify(event) };
}

async function produce(kafka: Kafka, topic: string, spanMs: number): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const now = Date.now();
  const perSend = Math.max(1, Math.floor((900 * 1024) / (SIZE + 80)));
  const pending: Array<Promise<unknown>> = [];
  for (let start = 0; start < COUNT; start += perSend) {
    const messages = Array.from({ length: Math.min(perSend, COUNT - start) }, (_, j) => payload(start + j, now, spanMs));
    pending.push(producer.send({ topic, acks: 1, messages }));
    if (pending.length >= 6) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await producer.disconnect();
}

/** CPU seconds (user + system) and peak RSS (VmHWM) of a live process (Linux). */
function procStats(pid: number): { cpu: number; peakRss: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, peakRss: Number(hwm ?? 0) * 1024 };
}

async function main(): Promise<void> {
  let brokers = values.brokers;
  let stateDir: string | null = null;
  if (!brokers) {
    stateDir = await mkdtemp(join(tmpdir(), 'logclaw-bench-env-'));
    const endpoints = (await up(['kafka'], { stateDir, log })) as { kafka: { brokers: string } };
    brokers = endpoints.kafka.brokers;
  }
  const kafka = new Kafka({ clientId: 'logclaw-bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const input = uniqueName('bench-raw-logs');
  const output = uniqueName('bench-anomaly-events');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [input, output].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  const reader = await readAnomalies(brokers, output);
  let scorer: Awaited<ReturnType<typeof startScorer>> | null = null;
  try {
    log(`producing ${COUNT} × ${SIZE} B logs of ${SERVICES} services to ${input} (${PARTITIONS} partitions) on ${brokers}…`);
    await produce(kafka, input, 5 * 60_000);

    const started = performance.now();
    scorer = await startScorer({ KAFKA_BROKERS: brokers, INPUT_TOPIC: input, OUTPUT_TOPIC: output, GROUP_ID: uniqueName('bench-scorer') });
    await scorer.waitHealth('caught up', (_, ok) => ok, 600_000);
    const replaySeconds = (performance.now() - started) / 1000;
    const afterReplay = procStats(scorer.child.pid!);

    const liveStarted = performance.now();
    await produce(kafka, input, 10_000);
    const health = await scorer.waitHealth(`${2 * COUNT} consumed`, (h) => h.consumed >= 2 * COUNT, 600_000);
    const liveSeconds = (performance.now() - liveStarted) / 1000;
    const afterLive = procStats(scorer.child.pid!);

    const replayRate = COUNT / replaySeconds;
    const liveRate = COUNT / liveSeconds;
    const lines = [
      `anomaly scorer benchmark: ${formatCount(COUNT)} logs × ${SIZE} B JSON, ${SERVICES} services, ${PARTITIONS} partitions`,
      `  replay on start (process start → caught up)  ${replaySeconds.toFixed(2)} s  ${formatCount(replayRate).padStart(9)} events/s  CPU ${afterReplay.cpu.toFixed(2)} s (${formatCount(COUNT / afterReplay.cpu)} events per CPU second)`,
      `  live (first send → all consumed)             ${liveSeconds.toFixed(2)} s  ${formatCount(liveRate).padStart(9)} events/s  CPU ${(afterLive.cpu - afterReplay.cpu).toFixed(2)} s (producing in the same window)`,
      `  scorer peak RSS ${formatBytes(afterLive.peakRss)}; ${health.services} services tracked, ${reader.events.length} anomaly events; machine load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    process.stdout.write(
      JSON.stringify({
        benchmark: 'scorer',
        messages: COUNT,
        sizeBytes: SIZE,
        services: SERVICES,
        partitions: PARTITIONS,
        replay: { seconds: replaySeconds, rate: replayRate, cpuSeconds: afterReplay.cpu },
        live: { seconds: liveSeconds, rate: liveRate, cpuSeconds: afterLive.cpu - afterReplay.cpu },
        peakRssBytes: afterLive.peakRss,
        anomalies: reader.events.length,
        load: loadavg()[0],
        cores: cpus().length,
      }) + '\n',
    );
  } finally {
    await scorer?.kill();
    await reader.stop();
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
