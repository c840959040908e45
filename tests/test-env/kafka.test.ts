// Proves the test Kafka is a real broker: a real client creates, produces, consumes and commits.
import { Kafka, logLevel } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestEnv } from '../support/test-env.js';

describe('test-env kafka (Apache Kafka from Maven Central jars)', () => {
  let kafka: Kafka;
  beforeAll(async () => {
    const env = await useTestEnv('kafka');
    kafka = new Kafka({ clientId: 'test-env-check', brokers: [env.kafka.brokers], logLevel: logLevel.NOTHING });
  });

  it('creates a 3-partition topic, takes 1 000 keyed messages and a group reads them all back', async () => {
    const topic = `te-check-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
      const producer = kafka.producer();
      await producer.connect();
      const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `key-${i % 37}`, value: JSON.stringify({ i }) }));
      for (let i = 0; i < messages.length; i += 250) await producer.send({ topic, messages: messages.slice(i, i + 250) });
      await producer.disconnect();

      const watermarks = await admin.fetchTopicOffsets(topic);
      expect(watermarks).toHaveLength(3);
      expect(watermarks.reduce((sum, p) => sum + Number(p.high), 0)).toBe(1000);
      expect(watermarks.every((p) => p.low === '0' && Number(p.high) > 0)).toBe(true);

      const groupId = `${topic}-group`;
      const consumer = kafka.consumer({ groupId });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen = new Set<number>();
      const keysByPartition = new Map<string, number>();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${seen.size} of 1000 messages arrived`)), 60_000);
        void consumer.run({
          eachMessage: async ({ partition, message }) => {
            seen.add((JSON.parse(String(message.value)) as { i: number }).i);
            // Keyed messages stick to one partition.
            const key = String(message.key);
            expect(keysByPartition.get(key) ?? partition).toBe(partition);
            keysByPartition.set(key, partition);
            if (seen.size === 1000) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      await consumer.disconnect();
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = new Map(watermarks.map((p) => [p.partition, p.high]));
      for (const partition of committed[0]!.partitions) expect(partition.offset).toBe(byPartition.get(partition.partition));
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
