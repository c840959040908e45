import { describe, expect, it } from 'vitest';
import { AttemptError, type Clock, backoffMs, checkResponse, parseRetryAfter, withRetries } from './retry.js';

/** A clock that only moves when the code under test sleeps. */
function manualClock(start = Date.parse('2026-01-01T00:00:00Z')): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP-dates, in the past as 0, and ignores what it cannot read', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-3', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('comes with a 429 or 5xx answer; a 4xx is final', async () => {
    const clock = manualClock(now);
    const limited = new Response('slow down', { status: 429, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:02 GMT' } });
    await expect(checkResponse(limited, clock)).rejects.toMatchObject({ retryable: true, retryAfterMs: 2000 });
    await expect(checkResponse(new Response('', { status: 503 }), clock)).rejects.toMatchObject({ retryable: true, retryAfterMs: null });
    await expect(checkResponse(new Response('bad', { status: 400, headers: { 'retry-after': '5' } }), clock)).rejects.toMatchObject({
      retryable: false,
      retryAfterMs: null,
    });
    await expect(checkResponse(new Response('{}', { status: 201 }), clock)).resolves.toBeUndefined();
  });
});

describe('withRetries', () => {
  const policy = { attempts: 4, baseMs: 100, maxMs: 1000 };

  it('backs off exponentially with full jitter, capped', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffMs(policy, 3, () => 0.5)).toBe(200);
  });

  it('waits what Retry-After asks (capped at maxMs), else the backoff, and stops at the first success', async () => {
    const clock = manualClock();
    const answers = [new AttemptError('429', true, 300), new AttemptError('503', true), new AttemptError('429', true, 60_000)];
    const outcome = await withRetries(
      policy,
      async () => {
        const next = answers.shift();
        if (next) throw next;
        return 'ticket';
      },
      { clock, random: () => 1 },
    );
    expect(outcome).toEqual({ value: 'ticket', retries: 3 });
    expect(clock.slept).toEqual([300, 200, 1000]);
  });

  it('gives up after the last attempt, at once on a final error, and treats thrown network errors as retryable', async () => {
    const clock = manualClock();
    const down = await withRetries(policy, () => Promise.reject(new TypeError('fetch failed')), { clock, random: () => 0 });
    expect(down.retries).toBe(3);
    expect(down.error).toMatchObject({ message: 'fetch failed', retryable: true });
    const rejected = await withRetries(policy, () => Promise.reject(new AttemptError('HTTP 400', false)), { clock });
    expect(rejected.retries).toBe(0);
    expect(rejected.error?.message).toBe('HTTP 400');
    expect(clock.slept).toHaveLength(3);
  });
});
