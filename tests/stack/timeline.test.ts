// The Stack pane's ETA: what is left along the DAG's critical path, from earlier runs' durations.
import { describe, expect, it } from 'vitest';
import type { Job } from '#contract/index.js';
import type { StepInfo } from '#contract/stack.js';
import { formatDuration } from '#contract/format.js';
import { elapsedMs, remainingMs } from '../../renderer/src/features/stack/timeline.js';

const info = (id: string, dependsOn: string[], etaMs: number | null): StepInfo => ({
  id,
  title: id,
  kind: 'release',
  dependsOn,
  skippable: false,
  etaMs,
  commands: [],
});

function job(states: Record<string, Job['steps'][number]['state']>, startedAt: Record<string, number> = {}): Job {
  return {
    id: 'j',
    kind: 'stack-up',
    title: 'Install',
    state: 'running',
    createdAt: 0,
    updatedAt: 0,
    params: {},
    steps: Object.entries(states).map(([id, state]) => ({
      id,
      title: id,
      state,
      commands: [],
      ...(startedAt[id] !== undefined ? { startedAt: startedAt[id] } : {}),
    })),
  };
}

describe('timeline ETA', () => {
  const plan = [info('a', [], 10_000), info('b', ['a'], 30_000), info('c', ['a'], 5_000), info('d', ['b', 'c'], 2_000)];

  it('is the longest chain of remaining steps, counting what the running step has left', () => {
    expect(remainingMs(job({ a: 'pending', b: 'pending', c: 'pending', d: 'pending' }), plan, 0)).toBe(42_000);
    // a done, b running for 10 s of its 30 s: 20 s + d's 2 s; c (5 s) runs beside b.
    expect(remainingMs(job({ a: 'done', b: 'running', c: 'pending', d: 'pending' }, { b: 0 }), plan, 10_000)).toBe(22_000);
    expect(remainingMs(job({ a: 'done', b: 'done', c: 'skipped', d: 'done' }), plan, 0)).toBe(0);
  });

  it('is unknown until every remaining step has run once on this machine', () => {
    expect(
      remainingMs(job({ a: 'done', b: 'pending', c: 'pending', d: 'pending' }), [...plan.slice(0, 2), info('c', ['a'], null), plan[3]!], 0),
    ).toBeNull();
  });

  it('formats elapsed time', () => {
    expect(elapsedMs({ state: 'running', startedAt: 1000 }, 6000)).toBe(5000);
    expect(elapsedMs({ state: 'done', startedAt: 1000, endedAt: 3000 }, 9000)).toBe(2000);
    expect([formatDuration(4_400), formatDuration(95_000), formatDuration(3_900_000)]).toEqual(['4s', '1m35s', '1h05m']);
  });
});
