// Helpers for the Logs tests: a backend wired to the test env's Kafka (and OpenSearch), and waiting
// for a generator run to end.
import type { Backend } from '../../electron/backend.js';
import type { GeneratorStatus } from '#contract/logs.js';

export async function waitForRun(backend: Backend, id: string, timeoutMs = 120_000): Promise<GeneratorStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await backend.call('logs:generatorStatus', {});
    if (status && status.id === id && status.state !== 'running' && status.state !== 'stopping') return status;
    if (Date.now() > until) throw new Error(`generator run ${id} did not end within ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every (run, seq) exactly once: nothing lost, nothing duplicated. */
export function seqReport(
  events: Array<Record<string, unknown>>,
  runId: string,
): { count: number; distinct: number; missing: number; duplicates: number } {
  const seen = new Map<number, number>();
  for (const event of events) {
    if (event.logclaw_run !== runId) continue;
    const seq = event.seq as number;
    seen.set(seq, (seen.get(seq) ?? 0) + 1);
  }
  const max = Math.max(-1, ...seen.keys());
  let missing = 0;
  for (let i = 0; i <= max; i++) if (!seen.has(i)) missing++;
  const count = [...seen.values()].reduce((a, b) => a + b, 0);
  return { count, distinct: seen.size, missing, duplicates: count - seen.size };
}

/** Reads the one message at topic/partition/offset with a plain kafkajs consumer (independent of the app's Kafka code). */
export async function readKafkaAt(
  brokers: string,
  topic: string,
  partition: number,
  offset: string,
  timeoutMs = 60_000,
): Promise<{ key: string | null; value: string; timestamp: number }> {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'logclaw-logs-test-reader', brokers: [brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId: `logclaw-logs-test-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message at ${topic}/${partition}@${offset} within ${timeoutMs} ms`)), timeoutMs);
      consumer.on(consumer.events.GROUP_JOIN, () => consumer.seek({ topic, partition, offset }));
      void consumer.run({
        eachMessage: async ({ partition: p, message }) => {
          if (p !== partition || message.offset !== offset) return;
          clearTimeout(timer);
          resolve({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', timestamp: Number(message.timestamp) });
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Sum of the high watermarks of a topic (how many messages it ever had). */
export async function highWatermarks(brokers: string, topic: string): Promise<number> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'logclaw-logs-test-admin', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
