import { describe, expect, it } from 'vitest';
import { FRAME_MESSAGES, decodeTailFrame, encodeTailFrame } from '#contract/tail-frame.js';
import { Tail, type TailBatch, type TailRequest } from './tail.js';
import type { ConsumeOptions, KafkaClient, RawMessage } from './types.js';

/** A scripted Kafka: two partitions of numbered JSON messages, delivered by the test. */
function fakeClient(partitions: Record<number, number>) {
  let consume: ConsumeOptions | null = null;
  let stopped = 0;
  const message = (partition: number, offset: number): RawMessage => ({
    partition,
    offset: String(offset),
    timestamp: String(1_700_000_000_000 + offset),
    key: Buffer.from(`k${offset % 3}`),
    value: Buffer.from(JSON.stringify({ partition, offset, level: offset % 10 === 0 ? 'error' : 'info' })),
    headers: {},
  });
  const client = {
    watermarks: async () => Object.entries(partitions).map(([p, high]) => ({ partition: Number(p), low: '0', high: String(high) })),
    offsetsAt: async () => Object.keys(partitions).map((p) => ({ partition: Number(p), offset: '5' })),
    consume: async (options: ConsumeOptions) => {
      consume = options;
      options.onEvent({ type: 'joined', partitions: Object.keys(partitions).map(Number) });
      return { stop: async () => void stopped++ };
    },
  } as unknown as KafkaClient;
  return {
    client,
    get stopped() {
      return stopped;
    },
    /** Delivers offsets [from, to) of a partition as one fetched batch. */
    deliver(partition: number, from: number, to: number) {
      const messages = Array.from({ length: to - from }, (_, i) => message(partition, from + i));
      return consume!.onBatch({ partition, messages, highWatermark: String(partitions[partition]) }, async () => undefined);
    },
    /** Delivers the given messages as one fetched batch. */
    deliverRaw(partition: number, messages: RawMessage[]) {
      return consume!.onBatch({ partition, messages, highWatermark: String(partitions[partition]) }, async () => undefined);
    },
    position: (partition: number) => consume!.position(partition),
    rejoin: () => consume!.onEvent({ type: 'joined', partitions: Object.keys(partitions).map(Number) }),
    crash: () => consume!.onEvent({ type: 'crashed', error: new Error('Connection error: connect ECONNREFUSED'), restarting: true }),
  };
}

function request(overrides: Partial<TailRequest> = {}): TailRequest {
  return {
    tailId: 't1',
    topic: 'logs',
    from: { kind: 'earliest' },
    filter: {},
    until: 'follow',
    maxValueBytes: 65_536,
    leaseMs: 60_000,
    ...overrides,
  };
}

function receiver() {
  const batches: TailBatch[] = [];
  const states: string[] = [];
  return {
    batches,
    states,
    onMessages: (batch: TailBatch) => batches.push(batch),
    onStatus: (status: { state: string }) => states.push(status.state),
    offsets: () => batches.flatMap((b) => b.messages.map((m) => `${m.partition}:${m.offset}`)),
  };
}

describe('Tail', () => {
  it('batches messages (one event per 500, not per message) and flushes the rest on its timer', async () => {
    const kafka = fakeClient({ 0: 1_200, 1: 0 });
    const ui = receiver();
    const tail = new Tail(request(), { client: kafka.client, ...ui, limits: { windowMessages: 100_000 } });
    await tail.start();
    await kafka.deliver(0, 0, 1_200);
    expect(ui.batches.map((b) => b.messages.length)).toEqual([500, 500]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(ui.batches.map((b) => b.messages.length)).toEqual([500, 500, 200]);
    expect(ui.batches.map((b) => b.seq)).toEqual([1, 2, 3]);
    expect(ui.offsets()).toEqual(Array.from({ length: 1_200 }, (_, i) => `0:${i}`));
    await tail.stop();
  });

  it('waits for acknowledgements instead of dropping when the receiver falls behind', async () => {
    const kafka = fakeClient({ 0: 10_000 });
    const ui = receiver();
    const tail = new Tail(request(), { client: kafka.client, ...ui, limits: { windowMessages: 1_000, batchMessages: 250, flushMs: 10 } });
    await tail.start();
    const delivering = kafka.deliver(0, 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // 4 batches of 250 fill the window; the tail waits, holding nothing more.
    expect(ui.batches).toHaveLength(4);
    expect(tail.state).toBe('waiting');
    expect(tail.status().scanned).toBe(1_000);
    // The receiver catches up batch by batch.
    while (ui.batches.length < 40) {
      tail.ack(ui.batches.at(-1)!.seq);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    tail.ack(40);
    await delivering;
    expect(tail.peakHeld).toBeLessThanOrEqual(1_000 + 250);
    expect(ui.offsets()).toHaveLength(10_000);
    expect(tail.status()).toMatchObject({ matched: 10_000, acknowledged: 10_000, dropped: 0 });
    expect(tail.status().waitedMs).toBeGreaterThan(0);
    await tail.stop();
  });

  it('skips offsets already shown after a reconnect and seeks back to its own positions', async () => {
    const kafka = fakeClient({ 0: 100 });
    const ui = receiver();
    const tail = new Tail(request(), { client: kafka.client, ...ui });
    await tail.start();
    await kafka.deliver(0, 0, 60);
    kafka.crash();
    expect(tail.state).toBe('reconnecting');
    kafka.rejoin();
    expect(tail.state).toBe('running');
    expect(kafka.position(0)).toBe('60');
    // The broker resends from an older offset: nothing is shown twice.
    await kafka.deliver(0, 40, 100);
    await tail.stop();
    expect(ui.offsets()).toEqual(Array.from({ length: 100 }, (_, i) => `0:${i}`));
    expect(tail.status().duplicatesSkipped).toBe(20);
  });

  it('starts at latest, an offset (absolute or from the end) or a time, and stops at the end', async () => {
    const latest = fakeClient({ 0: 50, 1: 70 });
    const tailLatest = new Tail(request({ from: { kind: 'latest' } }), { client: latest.client, ...receiver() });
    await tailLatest.start();
    expect([latest.position(0), latest.position(1)]).toEqual(['50', '70']);
    await tailLatest.stop();

    const fromEnd = fakeClient({ 0: 50, 1: 3 });
    const tailFromEnd = new Tail(request({ from: { kind: 'offset', offset: '-10' } }), { client: fromEnd.client, ...receiver() });
    await tailFromEnd.start();
    expect([fromEnd.position(0), fromEnd.position(1)]).toEqual(['40', '0']);
    await tailFromEnd.stop();

    const byTime = fakeClient({ 0: 50 });
    const ui = receiver();
    const tailByTime = new Tail(request({ from: { kind: 'timestamp', at: '2024-01-01T00:00:00Z' }, until: 'end' }), {
      client: byTime.client,
      ...ui,
    });
    await tailByTime.start();
    expect(byTime.position(0)).toBe('5');
    await byTime.deliver(0, 5, 50);
    expect(tailByTime.state).toBe('ended');
    expect(ui.offsets()).toHaveLength(45);
    await tailByTime.closed();
    expect(byTime.stopped).toBe(1);
  });

  it('filters by text, key and JSON path, counting scanned and matched', async () => {
    const kafka = fakeClient({ 0: 100 });
    const ui = receiver();
    const tail = new Tail(request({ filter: { jsonPath: '$.level', jsonEquals: 'error', key: 'K1' } }), { client: kafka.client, ...ui });
    await tail.start();
    await kafka.deliver(0, 0, 100);
    await tail.stop();
    // level "error" every 10th offset, key k1 when offset % 3 == 1: offsets 10, 40, 70.
    expect(ui.offsets()).toEqual(['0:10', '0:40', '0:70']);
    expect(tail.status()).toMatchObject({ scanned: 100, matched: 3 });
  });

  it('stops after max messages, pauses and resumes, truncates big values and ends without a receiver', async () => {
    const kafka = fakeClient({ 0: 100 });
    const ui = receiver();
    const tail = new Tail(request({ max: 7, maxValueBytes: 10 }), { client: kafka.client, ...ui });
    await tail.start();
    await kafka.deliver(0, 0, 100);
    expect(tail.state).toBe('ended');
    expect(ui.offsets()).toHaveLength(7);
    expect(ui.batches[0]!.messages[0]).toMatchObject({ truncated: true, value: '{"partitio' });

    const paused = fakeClient({ 0: 100 });
    const ui2 = receiver();
    const tail2 = new Tail(request({ tailId: 't2' }), { client: paused.client, ...ui2, limits: { flushMs: 10 } });
    await tail2.start();
    tail2.pause();
    let done = false;
    const delivering = paused.deliver(0, 0, 10).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    expect(tail2.state).toBe('paused');
    tail2.resume();
    await delivering;
    expect(tail2.state).toBe('running');
    await tail2.stop();
    expect(ui2.states).toEqual(['running', 'paused', 'running', 'stopped']);

    let now = 0;
    const lease = fakeClient({ 0: 10 });
    const tail3 = new Tail(request({ tailId: 't3', leaseMs: 5_000 }), { client: lease.client, ...receiver(), now: () => now });
    await tail3.start();
    now = 6_000;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(tail3.state).toBe('stopped');
    expect(tail3.status().reason).toContain('no acknowledgement');
  });

  it('holds values as the bytes read until asked: the bridge frame and the decoded messages agree (utf8, base64, truncated mid-character)', async () => {
    const kafka = fakeClient({ 0: 3 });
    const ui = receiver();
    const tail = new Tail(request({ maxValueBytes: 7, until: 'end' }), { client: kafka.client, ...ui });
    await tail.start();
    const values = [Buffer.from('{"a":"ñandú 🦀"}'), Buffer.from([0xff, 0xfe, 0x00]), null];
    await kafka.deliverRaw(
      0,
      values.map((value, offset) => ({ partition: 0, offset: String(offset), timestamp: '7', key: null, value, headers: { h: 'v' } })),
    );
    const [batch] = ui.batches;
    expect(batch!.messages.map((m) => [m.value, m.encoding, m.size, m.truncated])).toEqual([
      ['{"a":"\uFFFD', 'utf8', 20, true],
      ['//4A', 'base64', 3, false],
      [null, 'utf8', 0, false],
    ]);
    // The bridge's frame, built from the held bytes, decodes to the same messages.
    const { tailId, seq, scanned, matched } = batch!;
    expect(decodeTailFrame(encodeTailFrame({ tailId, seq, scanned, matched, messages: batch![FRAME_MESSAGES] }))).toEqual({
      tailId,
      seq,
      scanned,
      matched,
      messages: batch!.messages,
    });
    await tail.stop();
  });
});
