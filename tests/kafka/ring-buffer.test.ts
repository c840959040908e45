import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../renderer/src/features/kafka/ring-buffer.js';

describe('tail ring buffer (renderer)', () => {
  it('keeps the newest items up to its capacity and counts everything', () => {
    const ring = new RingBuffer<number>(5);
    ring.push([1, 2, 3]);
    expect(ring.toArray()).toEqual([1, 2, 3]);
    ring.push([4, 5, 6, 7]);
    expect(ring.toArray()).toEqual([3, 4, 5, 6, 7]);
    expect([ring.size, ring.total, ring.at(0), ring.at(4), ring.at(5)]).toEqual([5, 7, 3, 7, undefined]);
    ring.push(Array.from({ length: 100 }, (_, i) => 100 + i));
    expect(ring.toArray()).toEqual([195, 196, 197, 198, 199]);
    expect(ring.total).toBe(107);
    ring.clear();
    expect([ring.size, ring.total, ring.toArray()]).toEqual([0, 0, []]);
  });

  it('also bounds the bytes it holds', () => {
    const ring = new RingBuffer<string>(100, 10, (s) => s.length);
    ring.push(['aaaa', 'bbbb', 'cccc']);
    expect(ring.toArray()).toEqual(['bbbb', 'cccc']);
    expect(ring.bytes).toBe(8);
    ring.push(['x'.repeat(50)]);
    expect(ring.toArray()).toEqual(['x'.repeat(50)]); // one oversized item is still shown
  });
});
