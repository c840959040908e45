import { describe, expect, it } from 'vitest';
import { NodeIngests, formatBytes, parseActiveIngests, parseHumanSize } from './ingests.js';

const LAYER = `sha256:${'a'.repeat(64)}`;
const CONFIG = `sha256:${'b'.repeat(64)}`;
// As ctr's tabwriter prints it (padded with tabs; the AGE cell has spaces and ends with a tab).
const TABLE = [
  'REF\t\t\t\t\t\t\t\t\t\tSIZE\tAGE\t\t',
  `layer-${LAYER}\t12.35MB\t3 seconds\t`,
  `config-docker.io/library/redis:7@${CONFIG}\t512B\tLess than a second\t`,
  `manifest-${'c'.repeat(10)}\t1kB\tAbout a minute\t`,
  'my-own-ingest\t1.024kB\t2 minutes\t',
  '',
].join('\n');

describe('ctr content active', () => {
  it('reads go-units HumanSize back to bytes', () => {
    expect(parseHumanSize('512B')).toBe(512);
    expect(parseHumanSize('1.024kB')).toBe(1024);
    expect(parseHumanSize('12.35MB')).toBe(12_350_000);
    expect(parseHumanSize('1GB')).toBe(1e9);
    expect(parseHumanSize('12.3 MB')).toBeNull();
    expect(parseHumanSize('12MiB')).toBeNull();
  });

  it('keeps the pull ingests (MakeRefKey refs, with or without a ref name) and their bytes', () => {
    expect(parseActiveIngests(TABLE)).toEqual([
      { kind: 'layer', digest: LAYER, bytes: 12_350_000 },
      { kind: 'config', digest: CONFIG, bytes: 512 },
    ]);
    expect(parseActiveIngests('REF\tSIZE\tAGE\t\n')).toEqual([]);
  });

  it('formats bytes in decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(45_123_456)).toBe('45.1 MB');
    expect(formatBytes(1_200_000_000)).toBe('1.2 GB');
  });
});

describe('a node’s ingests over time', () => {
  const layer = (bytes: number) => [{ kind: 'layer', digest: LAYER, bytes }];

  it('counts the bytes since a pull began and when they last moved', () => {
    const node = new NodeIngests();
    node.observe(layer(1000), 0);
    node.observe(layer(5000), 2000);
    expect(node.since(1000)).toEqual({ bytes: 5000, moved: 2000, open: true });
    node.observe(layer(5000), 4000);
    expect(node.since(1000)).toEqual({ bytes: 5000, moved: 2000, open: true });
    // Committed: gone from the table, its bytes still count for the pulls that ran then.
    node.observe([], 6000);
    expect(node.since(1000)).toEqual({ bytes: 5000, moved: 6000, open: false });
    expect(node.since(7000)).toEqual({ bytes: 0, moved: 7000, open: false });
  });

  it('an ingest left by an earlier pull stands still from when it is first seen', () => {
    const node = new NodeIngests();
    node.observe(layer(3000), 10_000);
    node.observe(layer(3000), 100_000);
    expect(node.since(5000)).toEqual({ bytes: 3000, moved: 10_000, open: true });
  });
});
