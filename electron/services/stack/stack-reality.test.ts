import { describe, expect, it } from 'vitest';
import type { RealityItem } from '#contract/images.js';
import { realityChecks } from './stack-reality.js';

const item = (ref: string, result: RealityItem['result'], extra: Partial<RealityItem> = {}): RealityItem => ({
  kind: 'image',
  ref,
  registry: 'docker.io',
  usedBy: ['kafka'],
  result,
  reason: `${ref}: ${result}`,
  ...extra,
});

describe("the reality check's preflight checks", () => {
  it('passes when everything is found, and skips what there is none of', () => {
    expect(realityChecks({ at: 0, durationMs: 5, items: [item('a:1', 'found'), item('b:1', 'found')] })).toEqual([
      { id: 'images', title: 'Images can be pulled', status: 'pass', reason: 'All 2 found (2 found).' },
      { id: 'charts', title: 'Operator charts are in their repositories', status: 'skip', reason: 'Nothing to check.' },
    ]);
  });

  it('fails on what cannot work, names the first few, and carries the first fix and command', () => {
    const items = [
      item('a:1', 'found'),
      item('b:1', 'unreachable', { fix: 'network' }),
      item('c:1', 'unauthorized', { fix: 'log in', command: 'docker login ghcr.io' }),
      item('d:1', 'not-found', { fix: 'pin a tag' }),
      item('e:1', 'not-found', { fix: 'pin a tag' }),
      { ...item('strimzi-kafka-operator 0.50.1', 'rate-limited', { fix: 'wait' }), kind: 'chart' as const },
    ];
    const [images, charts] = realityChecks({ at: 0, durationMs: 5, items });
    expect(images).toEqual({
      id: 'images',
      title: 'Images can be pulled',
      status: 'fail',
      reason: '2 not found, 1 unauthorized, 1 unreachable, 1 found: d:1 (not found), e:1 (not found), c:1 (unauthorized) and 1 more.',
      fix: "Each one's fix is listed with it (logclaw preflight --report FILE writes them all). pin a tag",
      command: 'docker login ghcr.io',
    });
    expect(charts).toMatchObject({ id: 'charts', status: 'warn', reason: '1 rate-limited: strimzi-kafka-operator 0.50.1 (rate-limited).' });
  });
});
