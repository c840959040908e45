// Benchmark: the compiled CLI against the tools it stands beside, in the same run.
//
//   npx tsx scripts/bench/cli.ts [--runs 5] [--brokers host:port]
//
// - `logclaw --help` wall vs `kubectl version --client` (the test-env's kubectl);
// - `logclaw topics --json` wall vs a minimal kafkajs script making the same calls (fetchTopicMetadata,
//   then fetchTopicOffsets per topic), both against the same broker;
// - the RSS of an idle `logclaw serve` (fresh data folder, no forwards), read 5 s after its ready line.
// Each figure is the median of --runs runs (the two sides of a ratio alternate); the machine's load is
// printed with each row. Without --brokers it starts the test-env's Kafka in a private state folder.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { Kafka, logLevel } from 'kafkajs';
import { sourceRoot } from '../../electron/services/paths.js';
import { down, up } from '../test-env/env.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, brokers: { type: 'string' } } });
const RUNS = Math.max(3, Number(values.runs));
const ROOT = sourceRoot();
const BIN = join(ROOT, 'bin', 'logclaw.mjs');
const TOPICS = 8;
const log = (line: string) => process.stderr.write(`${line}\n`);
const load = () => `load ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores`;

// The same calls as `logclaw topics` (services/kafka/adapter.ts), with nothing else around them.
const KAFKAJS_TOPICS = `
const { Kafka, logLevel } = require('kafkajs');
const admin = new Kafka({ clientId: 'bench', brokers: [process.argv[1]], logLevel: logLevel.NOTHING }).admin();
(async () => {
  await admin.connect();
  const { topics } = await admin.fetchTopicMetadata();
  const offsets = await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t.name)));
  await admin.disconnect();
  process.stdout.write(JSON.stringify(topics.map((t, i) => ({ name: t.name, offsets: offsets[i] }))));
})();
`;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function wall(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = process.hrtime.bigint();
  const result = await execa(file, args, { env, cwd: ROOT, reject: false });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${result.exitCode}: ${result.stderr}`);
  return seconds;
}

/** Medians of `ours` and `theirs`, run alternately RUNS times each. */
async function compare(name: string, ours: () => Promise<number>, theirs: () => Promise<number>, goal: number, against: string) {
  await ours();
  await theirs(); // warm the page cache for both
  const a: number[] = [];
  const b: number[] = [];
  const loadBefore = load();
  for (let i = 0; i < RUNS; i++) {
    a.push(await ours());
    b.push(await theirs());
  }
  const ratio = median(a) / median(b);
  console.log(
    `${name}: ${(median(a) * 1000).toFixed(0)} ms vs ${against} ${(median(b) * 1000).toFixed(0)} ms → ${ratio.toFixed(2)}× ` +
      `(goal ≤ ${goal}×, ${ratio <= goal ? 'met' : 'NOT met'}; median of ${RUNS}; ${loadBefore} → ${load()})`,
  );
}

function rssOf(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

/** Starts `logclaw serve` on a fresh data folder, waits for its ready line and 5 s more, and reads its RSS. */
async function idleServeRss(): Promise<number> {
  const home = await mkdtemp(join(tmpdir(), 'logclaw-bench-serve-'));
  const child = spawn(process.execPath, [BIN, 'serve', '--json'], {
    env: { ...process.env, LOGCLAW_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        if (output.includes('"url"')) resolve();
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk));
      child.once('exit', (code) => reject(new Error(`logclaw serve exited with ${code}: ${output}`)));
    });
    await delay(5_000); // idle: what it holds once started, not the start's transient peak
    return rssOf(child.pid!);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(home, { recursive: true, force: true });
  }
}

async function createTopics(brokers: string): Promise<void> {
  const admin = new Kafka({ clientId: 'logclaw-bench', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const topics = Array.from({ length: TOPICS }, (_, i) => `bench-cli-${i}`).filter((topic) => !existing.has(topic));
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
  await admin.disconnect();
}

log('building the CLI bundle (npm run build:cli)…');
await execa(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });

const stateDir = await mkdtemp(join(tmpdir(), 'logclaw-bench-env-'));
const home = await mkdtemp(join(tmpdir(), 'logclaw-bench-home-'));
try {
  const endpoints = (await up(values.brokers ? ['tools'] : ['tools', 'kafka'], { stateDir, log })) as {
    tools: { kubectl: string };
    kafka?: { brokers: string };
  };
  const brokers = values.brokers ?? endpoints.kafka!.brokers;
  const env = { ...process.env, LOGCLAW_HOME: home };

  await compare(
    '`logclaw --help`',
    () => wall(process.execPath, [BIN, '--help'], env),
    () => wall(endpoints.tools.kubectl, ['version', '--client']),
    3,
    '`kubectl version --client`',
  );

  await createTopics(brokers);
  await compare(
    `\`logclaw topics --json\` (${TOPICS} topics)`,
    () => wall(process.execPath, [BIN, 'topics', '--json', '--kafka-brokers', brokers], env),
    () => wall(process.execPath, ['-e', KAFKAJS_TOPICS, brokers]),
    1.5,
    'minimal kafkajs script',
  );

  const loadBefore = load();
  const rss: number[] = [];
  for (let i = 0; i < 3; i++) rss.push(await idleServeRss());
  const idle = median(rss) / 2 ** 20;
  console.log(
    `idle RSS of \`logclaw serve\`: ${idle.toFixed(0)} MB (goal ≤ 120 MB, ${idle <= 120 ? 'met' : 'NOT met'}; ` +
      `median of 3: ${rss.map((bytes) => (bytes / 2 ** 20).toFixed(0)).join(', ')} MB; ${loadBefore} → ${load()})`,
  );
} finally {
  await down({ stateDir, log });
  await rm(stateDir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
}
