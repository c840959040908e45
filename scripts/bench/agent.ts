// Benchmark: anomaly → ticket latency of the ticketing agent (a separate process, as deployed)
// against the FAKE platforms of the tests, every platform routed, the FAKE OpenAI-shaped LLM for the
// summary. Latency is from just before the anomaly is produced to anomaly-events until its outcome
// arrives on ticket-events, per platform, for creates and for updates. Prints p50/p95/max, the
// agent's peak RSS and the machine's load; not a test, nothing asserted.
//
//   npx tsx scripts/bench/agent.ts [--incidents 100] [--rate 5] [--brokers host:port]
//
// Without --brokers it starts the project's test-env Kafka in a private state folder and stops it at the end.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { startFakeLlm } from '../../tests/fakes/llm.js';
import {
  anomaly,
  collect,
  createTopics,
  outcomes,
  spawnAgent,
  startPlatforms,
  stopAgent,
  writeConfig,
} from '../../tests/workloads/support.js';
import { down, up } from '../test-env/env.js';

const { values } = parseArgs({
  options: { incidents: { type: 'string', default: '100' }, rate: { type: 'string', default: '5' }, brokers: { type: 'string' } },
});
const INCIDENTS = Number(values.incidents);
const RATE = Number(values.rate);
const log = (line: string) => process.stderr.write(`${line}\n`);
const ALL = ['pagerduty', 'opsgenie', 'jira', 'servicenow', 'slack', 'zammad', 'webhook'];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const row = (name: string, samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${name.padEnd(22)} n=${String(sorted.length).padStart(4)}  p50 ${percentile(sorted, 50).toFixed(0).padStart(5)} ms  p95 ${percentile(sorted, 95).toFixed(0).padStart(5)} ms  max ${sorted.at(-1)?.toFixed(0).padStart(5)} ms`;
};

async function bench(brokers: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'logclaw-bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const platforms = await startPlatforms();
  const llm = await startFakeLlm({ answer: 'FAKE LLM summary for the benchmark.' });
  const dir = await mkdtemp(join(tmpdir(), 'logclaw-bench-agent-'));
  const topics = await createTopics(kafka, 3);
  const config = writeConfig(dir, brokers, topics, platforms.settings, {
    routing: { critical: ALL },
    llm: { provider: 'openai', model: 'gpt-fake', endpoint: llm.openaiEndpoint, timeoutMs: 5000 },
  });
  const events = await collect(brokers, topics.output);
  const arrived = new Map<string, number>();
  const agent = spawnAgent(config, platforms.env);
  let peakRss = 0;
  const sampler = setInterval(() => {
    try {
      const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${agent.child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peakRss = Math.max(peakRss, kb * 1024);
    } catch {
      // the process is gone
    }
  }, 200);
  try {
    await agent.port;
    const producer = kafka.producer();
    await producer.connect();
    const sentAt = new Map<string, number>();
    const send = async (event: ReturnType<typeof anomaly>) => {
      sentAt.set(event.anomaly_id, Date.now());
      await producer.send({ topic: topics.input, messages: [{ key: event.incident_key, value: JSON.stringify(event) }] });
    };
    const expected = ALL.length * (1 + INCIDENTS * 2);
    // Watching from before the first anomaly: each outcome is timed as it arrives.
    const all = events.until((records) => {
      for (const record of outcomes(records))
        if (!arrived.has(`${record.anomaly_id}/${record.platform}`)) arrived.set(`${record.anomaly_id}/${record.platform}`, Date.now());
      return arrived.size >= expected;
    });
    // Warm-up: one incident through every platform before measuring.
    await send(anomaly('warmup', 'critical'));
    await events.until((records) => outcomes(records).length >= ALL.length);
    const started = Date.now();
    const load = loadavg()[0]!;
    for (let i = 0; i < INCIDENTS; i++) {
      await send(anomaly(`B${i}-open`, 'critical', { incident_key: `bench-${i}` }));
      await send(anomaly(`B${i}-update`, 'critical', { incident_key: `bench-${i}`, status: 'update' }));
      const due = started + ((i + 1) * 1000) / RATE;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now())); // paces the load; not a signal
    }
    await all;
    const elapsed = (Date.now() - started) / 1000;
    await producer.disconnect();
    const latency = (filter: (id: string, platform: string) => boolean) =>
      [...arrived.entries()]
        .map(([key, at]) => [...key.split('/'), at] as [string, string, number])
        .filter(([id, platform]) => id !== 'warmup' && filter(id, platform))
        .map(([id, , at]) => at - sentAt.get(id)!);
    const statuses = outcomes(events.records).reduce<Record<string, number>>(
      (counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }),
      {},
    );
    console.log(`ticketing agent: ${INCIDENTS} incidents (open + update) at ${RATE} incidents/s, ${ALL.length} platforms each, FAKE LLM`);
    console.log(
      `outcomes ${JSON.stringify(statuses)} in ${elapsed.toFixed(1)} s = ${((expected - ALL.length) / elapsed).toFixed(0)} tickets/s`,
    );
    console.log(
      row(
        'create, all platforms',
        latency((id) => id.endsWith('-open')),
      ),
    );
    console.log(
      row(
        'update, all platforms',
        latency((id) => id.endsWith('-update')),
      ),
    );
    for (const platform of ALL)
      console.log(
        row(
          `  ${platform}`,
          latency((_, p) => p === platform),
        ),
      );
    console.log(
      `agent peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; load average (1 min) ${load.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after, ${cpus().length} CPUs`,
    );
  } finally {
    clearInterval(sampler);
    await stopAgent(agent);
    await events.stop();
    await llm.close();
    await platforms.close();
    await rm(dir, { recursive: true, force: true });
  }
}

let stateDir: string | null = null;
try {
  let brokers = values.brokers;
  if (!brokers) {
    stateDir = await mkdtemp(join(tmpdir(), 'logclaw-bench-env-'));
    brokers = ((await up(['kafka'], { stateDir, log })) as { kafka: { brokers: string } }).kafka.brokers;
  }
  await bench(brokers);
} finally {
  if (stateDir) {
    await down({ stateDir, log });
    await rm(stateDir, { recursive: true, force: true });
  }
}
