import { describe, expect, it } from 'vitest';
import { batchSizeFor, dueAt, expectedTotal, rateAt } from './schedule.js';

const burst = { periodS: 5, lengthS: 1 };

describe('generator schedule', () => {
  it('steady: rate × time, capped at the end', () => {
    const spec = { profile: 'steady' as const, rate: 1_000, durationS: 5, burst };
    expect(dueAt(spec, 0)).toBe(0);
    expect(dueAt(spec, 2_500)).toBe(2_500);
    expect(dueAt(spec, 9_000)).toBe(5_000);
    expect(expectedTotal(spec)).toBe(5_000);
    expect(expectedTotal({ ...spec, rate: 0.5, durationS: 3 })).toBe(1);
  });

  it('ramp: 0 → rate, half the steady total', () => {
    const spec = { profile: 'ramp' as const, rate: 1_000, durationS: 10, burst };
    expect(dueAt(spec, 5_000)).toBe(1_250);
    expect(expectedTotal(spec)).toBe(5_000);
    expect(rateAt(spec, 5_000)).toBe(500);
  });

  it('burst: the rate during the first second of every five, quiet between', () => {
    const spec = { profile: 'burst' as const, rate: 1_000, durationS: 12, burst };
    expect(dueAt(spec, 500)).toBe(500);
    expect(dueAt(spec, 4_900)).toBe(1_000);
    expect(dueAt(spec, 5_500)).toBe(1_500);
    expect(expectedTotal(spec)).toBe(3_000);
    expect(rateAt(spec, 5_200)).toBe(1_000);
    expect(rateAt(spec, 6_200)).toBe(0);
  });

  it('batches about 10 ms worth of events, 1 to 500, unless given', () => {
    expect(batchSizeFor({ rate: 10, batchSize: null })).toBe(1);
    expect(batchSizeFor({ rate: 10_000, batchSize: null })).toBe(100);
    expect(batchSizeFor({ rate: 200_000, batchSize: null })).toBe(500);
    expect(batchSizeFor({ rate: 10_000, batchSize: 7 })).toBe(7);
  });
});
