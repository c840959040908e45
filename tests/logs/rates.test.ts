// Rate accuracy: the generator at 1 000 and 10 000 events/s for 5 s, into the Vector stand-in on
// loopback. Counted where it matters, at the receiver: the events it decoded and accepted (each
// (run, seq) exactly once) and the time from the first to the last arrival. Both must be within 1 %
// of the target. The receiver runs without sinks here: with the shared test Kafka behind it, a busy
// 2-core machine measures the broker, not the sender (the sinks are covered by pipeline.test.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import { type VectorReceiver, startVectorReceiver } from '../fakes/vector-receiver.js';
import { useTempDir } from '../support/temp.js';
import { seqReport, waitForRun } from './support.js';

const tempDir = useTempDir('logclaw-logs-rates-');

describe('log generator rates', () => {
  let backend: Backend;
  let receiver: VectorReceiver;

  beforeAll(async () => {
    receiver = await startVectorReceiver({ keep: true });
    backend = await createBackend({ transport: 'cli', dataDir: tempDir(), env: {} });
  });
  afterAll(async () => {
    await backend?.close();
    await receiver?.close();
  });

  for (const { rate, format } of [
    { rate: 1_000, format: 'json' as const },
    { rate: 10_000, format: 'ndjson' as const },
  ]) {
    it(`${rate} events/s for 5 s (${format} batches) arrive within 1 % of the count and the duration`, async () => {
      const target = rate * 5;
      // A 1 % duration budget is 50 ms. When this process itself was starved for longer than that
      // (the event loop stalled: a shared 2-core machine under load), the run measured the machine,
      // not the sender: it is reported and run again, up to 3 times. The last run is asserted.
      for (let attempt = 1; ; attempt++) {
        receiver.reset();
        const lag = monitorEventLoopDelay({ resolution: 10 });
        lag.enable();
        const started = await backend.call('logs:generatorStart', { vectorUrl: receiver.url, rate, durationS: 5, format });
        const final = await waitForRun(backend, started.id);
        lag.disable();
        const span = (receiver.lastAt! - receiver.firstAt!) / 1000;
        const seqs = seqReport(receiver.events, started.id);
        const figures = {
          rate,
          attempt,
          target,
          arrived: receiver.accepted,
          countError: (receiver.accepted - target) / target,
          spanS: span,
          spanError: (span - 5) / 5,
          requests: receiver.requests,
          elapsedMs: final.elapsedMs,
          maxLoopStallMs: Math.round(lag.max / 1e6),
        };
        process.stderr.write(`[rates] ${JSON.stringify(figures)}\n`);
        if (Math.abs(figures.spanError) > 0.01 && figures.maxLoopStallMs > 40 && attempt < 3) continue;
        expect(final).toMatchObject({
          state: 'done',
          expected: target,
          generated: target,
          sent: target,
          accepted: target,
          failed: 0,
          retried: 0,
          inFlight: 0,
        });
        expect(seqs).toEqual({ count: target, distinct: target, missing: 0, duplicates: 0 });
        expect(Math.abs(figures.countError)).toBeLessThanOrEqual(0.01);
        expect(Math.abs(figures.spanError)).toBeLessThanOrEqual(0.01);
        return;
      }
    });
  }
});
