// Accounting under faults, against the Vector stand-in on loopback: 503s for a while, dropped
// connections, an endpoint that never recovers, a slow endpoint and a stop in the middle. Always
// sent = accepted + failed, and the receiver got exactly the accepted events (none lost silently).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, createBackend } from '../../electron/backend.js';
import { type VectorReceiver, startVectorReceiver } from '../fakes/vector-receiver.js';
import { useTempDir } from '../support/temp.js';
import { seqReport, sleep, waitForRun } from './support.js';

const tempDir = useTempDir('logclaw-logs-faults-');

describe('generator accounting under faults', () => {
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

  it('503 for 1.5 s, then recovery: every batch retried until accepted, nothing lost or doubled', async () => {
    receiver.reset();
    receiver.fail(null);
    const run = await backend.call('logs:generatorStart', { vectorUrl: receiver.url, rate: 400, durationS: 4 });
    await sleep(1_000);
    receiver.fail({ kind: 'status', status: 503 });
    await sleep(1_500);
    const during = await backend.call('logs:generatorStatus', {});
    expect(during!.sent).toBe(during!.accepted + during!.failed + during!.inFlight);
    expect(during!.inFlight).toBeGreaterThan(0);
    receiver.fail(null);
    const final = await waitForRun(backend, run.id);
    expect(final).toMatchObject({
      state: 'done',
      generated: 1_600,
      sent: 1_600,
      accepted: 1_600,
      failed: 0,
      inFlight: 0,
      failedByReason: {},
    });
    expect(final.retried).toBeGreaterThan(0);
    expect(final.lastError?.reason).toBe('http_503');
    expect(receiver.accepted).toBe(final.accepted);
    expect(seqReport(receiver.events, run.id)).toEqual({ count: 1_600, distinct: 1_600, missing: 0, duplicates: 0 });
  });

  it('a receiver that stays down: every event failed with its reason after the retries', async () => {
    receiver.reset();
    receiver.fail({ kind: 'status', status: 503 });
    const run = await backend.call('logs:generatorStart', { vectorUrl: receiver.url, rate: 200, durationS: 1, maxAttempts: 3 });
    const final = await waitForRun(backend, run.id);
    receiver.fail(null);
    expect(final).toMatchObject({ state: 'failed', sent: 200, accepted: 0, failed: 200, failedByReason: { http_503: 200 }, inFlight: 0 });
    expect(final.retried).toBe(400);
    expect(receiver.accepted).toBe(0);
  });

  it('dropped connections and a refused port are retried, then reported by reason', async () => {
    receiver.reset();
    receiver.fail({ kind: 'drop' });
    const dropped = await backend.call('logs:generatorStart', { vectorUrl: receiver.url, rate: 100, durationS: 1, maxAttempts: 2 });
    const final = await waitForRun(backend, dropped.id);
    receiver.fail(null);
    expect(final).toMatchObject({ sent: 100, accepted: 0, failed: 100, failedByReason: { connection_reset: 100 } });

    const refused = await backend.call('logs:generatorStart', { vectorUrl: 'http://127.0.0.1:1', rate: 50, durationS: 1, maxAttempts: 2 });
    const end = await waitForRun(backend, refused.id);
    expect(end).toMatchObject({ sent: 50, accepted: 0, failed: 50, failedByReason: { connection_refused: 50 }, retried: 50 });
  });

  it('a 400 (body Vector cannot decode) is not retried', async () => {
    receiver.reset();
    receiver.fail({ kind: 'status', status: 400 });
    const run = await backend.call('logs:generatorStart', { vectorUrl: receiver.url, rate: 100, durationS: 1 });
    const final = await waitForRun(backend, run.id);
    receiver.fail(null);
    expect(final).toMatchObject({ sent: 100, failed: 100, retried: 0, failedByReason: { http_400: 100 } });
  });

  it('stopped in the middle of an outage: batches waiting to retry are reported as stopped', async () => {
    receiver.reset();
    const run = await backend.call('logs:generatorStart', { vectorUrl: receiver.url, rate: 500, durationS: 10 });
    await sleep(700);
    receiver.fail({ kind: 'status', status: 503 });
    await sleep(800);
    await expect(backend.call('logs:generatorStart', { vectorUrl: receiver.url, rate: 1, durationS: 1 })).rejects.toMatchObject({
      code: 'JOB_BUSY',
    });
    const stopped = await backend.call('logs:generatorStop', { id: run.id });
    receiver.fail(null);
    expect(stopped.state).toBe('stopped');
    expect(stopped.sent).toBe(stopped.accepted + stopped.failed);
    expect(stopped.inFlight).toBe(0);
    expect(stopped.failedByReason.stopped).toBeGreaterThan(0);
    expect(stopped.generated).toBeLessThan(5_000);
    expect(receiver.accepted).toBe(stopped.accepted);
    expect(seqReport(receiver.events, run.id).duplicates).toBe(0);
  });

  it('slow answers: the generator catches up with bigger batches and still lands every event', async () => {
    receiver.reset();
    receiver.fail({ kind: 'slow', delayMs: 150 });
    const run = await backend.call('logs:generatorStart', { vectorUrl: receiver.url, rate: 2_000, durationS: 2 });
    const final = await waitForRun(backend, run.id);
    receiver.fail(null);
    expect(final).toMatchObject({ state: 'done', sent: 4_000, accepted: 4_000, failed: 0 });
    expect(receiver.accepted).toBe(4_000);
    expect(final.elapsedMs).toBeLessThan(3_000);
  });
});
