import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../../tests/support/temp.js';
import { KafkaConnectionStore, mapForwardedBrokers, parseBrokerList } from './connection.js';
import { RateTracker } from './rates.js';

const tempDir = useTempDir('logclaw-kafka-conn-');

describe('Kafka connection', () => {
  it('without any configuration answers KAFKA_UNREACHABLE with a hint naming the ways to connect', async () => {
    const store = new KafkaConnectionStore(tempDir(), {});
    await store.load();
    expect(store.describe()).toMatchObject({ source: 'none', brokers: [] });
    await expect(store.resolve()).rejects.toMatchObject({ code: 'KAFKA_UNREACHABLE', hint: expect.stringContaining('--kafka-brokers') });
  });

  it('prefers the session override, then LOGCLAW_KAFKA_BROKERS, then the saved direct bootstrap, then discovery', async () => {
    const dir = tempDir();
    const discovered = {
      brokers: ['logclaw-kafka-dev-local-kafka-bootstrap:9092'],
      addressMap: { 'logclaw-kafka-dev-local-kafka-bootstrap:9092': '127.0.0.1:40001' },
    };
    const store = new KafkaConnectionStore(dir, { LOGCLAW_KAFKA_BROKERS: '10.0.0.1:9092' }, async () => discovered);
    await store.load();
    expect(await store.resolve()).toEqual({ brokers: ['10.0.0.1:9092'], source: 'env' });
    store.setSession(['127.0.0.1:1234']);
    expect(store.describe()).toMatchObject({ source: 'session', cliFlag: '--kafka-brokers 127.0.0.1:1234' });

    const plain = new KafkaConnectionStore(dir, {}, async () => discovered);
    expect(plain.describe()).toMatchObject({ source: 'discovered', mapped: true });
    expect(await plain.resolve()).toEqual({ ...discovered, source: 'discovered' });
    await plain.save({ mode: 'direct', brokers: ['127.0.0.1:9092'] });
    expect(await plain.resolve()).toEqual({ brokers: ['127.0.0.1:9092'], source: 'saved' });
    expect(JSON.parse(readFileSync(join(dir, 'kafka.json'), 'utf8'))).toEqual({
      schemaVersion: 1,
      mode: 'direct',
      brokers: ['127.0.0.1:9092'],
    });

    const reloaded = new KafkaConnectionStore(dir, {});
    await reloaded.load();
    expect(reloaded.describe()).toMatchObject({ source: 'saved', brokers: ['127.0.0.1:9092'], description: 'saved in kafka.json' });

    const nothingFound = new KafkaConnectionStore(tempDir(), {}, async () => null);
    await expect(nothingFound.resolve()).rejects.toMatchObject({ code: 'KAFKA_UNREACHABLE' });
  });

  it('keeps a corrupt kafka.json as .bak, uses defaults and says so', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'kafka.json'), '{"mode": "direct", "brokers": ["no port"]}');
    const store = new KafkaConnectionStore(dir, {});
    await store.load();
    expect(existsSync(join(dir, 'kafka.json.bak'))).toBe(true);
    expect(existsSync(join(dir, 'kafka.json'))).toBe(false);
    expect(store.saved).toEqual({ schemaVersion: 1, mode: 'auto', brokers: [] });
    expect(store.describe().notices).toEqual([
      expect.objectContaining({ id: 'kafka-settings-corrupt', level: 'warn', hint: expect.stringContaining('kafka.json.bak') }),
    ]);

    writeFileSync(join(dir, 'kafka.json'), '{not json');
    const again = new KafkaConnectionStore(dir, {});
    await again.load();
    expect(again.notices[0]!.message).toContain('not valid JSON');
  });

  it('parses broker lists and refuses addresses without a port', () => {
    expect(parseBrokerList('a:9092, b:9093 c:1')).toEqual(['a:9092', 'b:9093', 'c:1']);
    expect(parseBrokerList('[::1]:9092')).toEqual(['[::1]:9092']);
    expect(() => parseBrokerList('localhost')).toThrowError(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => parseBrokerList(' , ')).toThrowError(/No broker/);
  });
});

describe('mapForwardedBrokers', () => {
  const advertised = async () => [
    { nodeId: 0, host: 'logclaw-kafka-dev-local-combined-0.logclaw-kafka-dev-local-kafka-brokers.logclaw-dev-local.svc', port: 9092 },
    { nodeId: 1, host: 'logclaw-kafka-dev-local-combined-1.logclaw-kafka-dev-local-kafka-brokers.logclaw-dev-local.svc', port: 9092 },
  ];

  it('maps every advertised broker to the forward of its node id, and the bootstrap name to the first', async () => {
    const resolved = await mapForwardedBrokers(
      { 0: '127.0.0.1:40000', 1: '127.0.0.1:40001' },
      { bootstrap: ['logclaw-kafka-dev-local-kafka-bootstrap:9092'], read: advertised },
    );
    expect(resolved).toEqual({
      brokers: ['logclaw-kafka-dev-local-kafka-bootstrap:9092'],
      addressMap: {
        'logclaw-kafka-dev-local-combined-0.logclaw-kafka-dev-local-kafka-brokers.logclaw-dev-local.svc:9092': '127.0.0.1:40000',
        'logclaw-kafka-dev-local-combined-1.logclaw-kafka-dev-local-kafka-brokers.logclaw-dev-local.svc:9092': '127.0.0.1:40001',
        'logclaw-kafka-dev-local-kafka-bootstrap:9092': '127.0.0.1:40000',
      },
    });
  });

  it('refuses a cluster with a broker that has no forward, or no forwards at all', async () => {
    await expect(mapForwardedBrokers({ 0: '127.0.0.1:40000' }, { read: advertised })).rejects.toMatchObject({
      code: 'KAFKA_UNREACHABLE',
      message: 'Kafka broker 1 has no port-forward',
    });
    await expect(mapForwardedBrokers({}, { read: advertised })).rejects.toMatchObject({ code: 'KAFKA_UNREACHABLE' });
  });
});

describe('RateTracker', () => {
  it('turns high-watermark sums into per-second rates with a bounded history', () => {
    const rates = new RateTracker(3);
    expect(rates.record('t', 100, 0)).toEqual({ rate: null, history: [] });
    expect(rates.record('t', 200, 500).rate).toBeNull(); // too close to the previous sample
    expect(rates.record('t', 300, 2_000)).toEqual({ rate: 100, history: [100] });
    for (let i = 1; i <= 5; i++) rates.record('t', 300 + i * 50, 2_000 + i * 1_000);
    expect(rates.rate('t').history).toEqual([50, 50, 50]);
    expect(rates.record('t', 10, 9_000)).toEqual({ rate: null, history: [] }); // recreated topic
    rates.retain([]);
    expect(rates.rate('t').history).toEqual([]);
  });
});
