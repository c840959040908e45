// The anomaly scorer as a child process (node + tsx, as `npx tsx workloads/anomaly-scorer/main.ts`
// runs it), and a reader of the topic it writes; shared by tests/workloads/scorer.test.ts and
// scripts/bench/scorer.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { AnomalyEvent } from '#contract/logs.js';
import { sourceRoot } from '../../electron/services/paths.js';

export interface ScorerHealth {
  status: string;
  consumed: number;
  /** Anomaly events acknowledged by Kafka, and scored but not acknowledged yet. */
  produced: number;
  pending: number;
  lag: number;
  services: number;
  openIncidents: number;
  scoredThrough: string | null;
  waiting?: string;
}

export interface ScorerProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  health(): Promise<{ ok: boolean; body: ScorerHealth }>;
  /** Polls /health until `done` holds; fails with the scorer's output after `timeoutMs`. */
  waitHealth(what: string, done: (health: ScorerHealth, ok: boolean) => boolean, timeoutMs: number): Promise<ScorerHealth>;
  /** Kills the process and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

export async function startScorer(env: Record<string, string>): Promise<ScorerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(sourceRoot(), 'workloads', 'anomaly-scorer', 'main.ts')], {
    cwd: sourceRoot(),
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the scorer printed no port in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on :(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`the scorer exited with ${code}:\n${output}`)));
  });
  const health = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    return { ok: response.ok, body: (await response.json()) as ScorerHealth };
  };
  return {
    child,
    port,
    output: () => output,
    health,
    async waitHealth(what, done, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last: ScorerHealth | null = null;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`the scorer exited (${child.exitCode}) waiting for ${what}:\n${output}`);
        const { ok, body } = await health();
        last = body;
        if (done(body, ok)) return body;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the scorer did not reach "${what}" in ${timeoutMs} ms; last /health ${JSON.stringify(last)}\n${output}`);
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface TopicReader {
  events: AnomalyEvent[];
  /** Resolves once `done(events)` holds, checked at every message; fails after `timeoutMs`. */
  waitFor(what: string, done: (events: AnomalyEvent[]) => boolean, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Reads anomaly events from the start of `topic`, each validated against AnomalyEvent. */
export async function readAnomalies(brokers: string, topic: string): Promise<TopicReader> {
  const kafka = new Kafka({ clientId: 'scorer-test-reader', brokers: [brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('scorer-test-reader') });
  const events: AnomalyEvent[] = [];
  const waiters = new Set<() => void>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      events.push(AnomalyEvent.parse(JSON.parse(message.value!.toString())));
      for (const waiter of waiters) waiter();
    },
  });
  return {
    events,
    waitFor: (what, done, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!done(events)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${what} on ${topic} in ${timeoutMs} ms; read ${JSON.stringify(events, null, 1)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    stop: () => consumer.disconnect(),
  };
}
