import { describe, expect, it } from 'vitest';
import type { RealityProgress } from '#contract/images.js';
import { TENANT_MIRROR } from './advice.js';
import type { ChartRepoClient } from './chart-repo.js';
import type { ImageRef } from './reference.js';
import type { Probe, RegistryClient } from './registry-client.js';
import { runRealityCheck } from './reality.js';

/** Probes that answer only when the test says, so "how many at once" is observed, not timed. */
function heldRegistry() {
  const waiting: Array<{ ref: ImageRef; answer: (probe: Probe) => void }> = [];
  let active = 0;
  let most = 0;
  const registry = {
    probe: (ref: ImageRef) =>
      new Promise<Probe>((resolve) => {
        active++;
        most = Math.max(most, active);
        waiting.push({ ref, answer: (probe) => (active--, resolve(probe)) });
      }),
  } as unknown as RegistryClient;
  return { registry, waiting, most: () => most };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the reality check', () => {
  it('asks a bounded number at once, reports progress per answer, and keeps the order of the targets', async () => {
    const held = heldRegistry();
    const progress: RealityProgress[] = [];
    const images = ['a:1', 'b:1', 'c:1', 'd:1', 'e:1'].map((ref) => ({ ref, usedBy: ['x'], mirror: TENANT_MIRROR }));
    let clock = 1000;
    const run = runRealityCheck(
      { images: [...images, { ref: 'Bad/Name', usedBy: ['y'], mirror: TENANT_MIRROR }], charts: [] },
      {
        registry: held.registry,
        charts: {} as ChartRepoClient,
        concurrency: 2,
        onProgress: (p) => progress.push(p),
        now: () => clock,
      },
    );
    await settle();
    expect(held.waiting.map((w) => w.ref.text)).toEqual(['a:1', 'b:1']);
    clock = 1750;
    // Answer out of order: the next target starts as each one ends.
    for (const text of ['b:1', 'a:1', 'c:1', 'd:1', 'e:1']) {
      held.waiting
        .find((w) => w.ref.text === text)!
        .answer({ result: 'found', reason: `has ${text}`, digest: `sha256:${text}`, authenticated: false });
      await settle();
    }
    const report = await run;
    expect(held.most()).toBe(2);
    expect(progress[0]).toEqual({ done: 0, total: 6, ref: null });
    expect(progress.at(-1)).toMatchObject({ done: 6, total: 6 });
    expect(progress.map((p) => p.done)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(report).toMatchObject({ at: 1000, durationMs: 750 });
    expect(report.items.map((item) => [item.ref, item.result])).toEqual([
      ['a:1', 'found'],
      ['b:1', 'found'],
      ['c:1', 'found'],
      ['d:1', 'found'],
      ['e:1', 'found'],
      ['Bad/Name', 'invalid'],
    ]);
    // A malformed reference is never sent; it says why and how to correct it.
    expect(report.items[5]).toMatchObject({ registry: 'docker.io', usedBy: ['y'] });
    expect(report.items[5]!.reason).toContain('must be lowercase');
    expect(report.items[5]!.fix).toContain('lowercase repository');
  });
});
